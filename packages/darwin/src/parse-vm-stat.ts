import { PerfError } from '@arcbox/perf-core';

/** Page counts of one `vm_stat` run; a line the running macOS does not print is `null`. */
export interface VmStat {
  /** From the header ("page size of 16384 bytes"); null when the header is missing. */
  pageSize: number | null;
  free: number | null;
  active: number | null;
  inactive: number | null;
  speculative: number | null;
  throttled: number | null;
  wired: number | null;
  purgeable: number | null;
  translationFaults: number | null;
  copyOnWrite: number | null;
  zeroFilled: number | null;
  reactivated: number | null;
  purged: number | null;
  fileBacked: number | null;
  anonymous: number | null;
  storedInCompressor: number | null;
  occupiedByCompressor: number | null;
  decompressions: number | null;
  compressions: number | null;
  pageins: number | null;
  pageouts: number | null;
  swapins: number | null;
  swapouts: number | null;
}

type CountField = Exclude<keyof VmStat, 'pageSize'>;

// Matched by label, not by position: the set of lines changed across macOS releases
// (10.9 added the compressor lines, older ones end with an "Object cache" line).
const labels: Record<string, CountField> = {
  'Pages free': 'free',
  'Pages active': 'active',
  'Pages inactive': 'inactive',
  'Pages speculative': 'speculative',
  'Pages throttled': 'throttled',
  'Pages wired down': 'wired',
  'Pages purgeable': 'purgeable',
  'Translation faults': 'translationFaults',
  'Pages copy-on-write': 'copyOnWrite',
  'Pages zero filled': 'zeroFilled',
  'Pages reactivated': 'reactivated',
  'Pages purged': 'purged',
  'File-backed pages': 'fileBacked',
  'Anonymous pages': 'anonymous',
  'Pages stored in compressor': 'storedInCompressor',
  'Pages occupied by compressor': 'occupiedByCompressor',
  Decompressions: 'decompressions',
  Compressions: 'compressions',
  Pageins: 'pageins',
  Pageouts: 'pageouts',
  Swapins: 'swapins',
  Swapouts: 'swapouts',
};

const headerPattern = /page size of (\d+) bytes/;
const linePattern = /^"?([^":]+?)"?:\s+(\d+)\.?\s*$/;

export function emptyVmStat(): VmStat {
  const stat = { pageSize: null } as VmStat;
  for (const field of Object.values(labels)) stat[field] = null;
  return stat;
}

/**
 * Parses `vm_stat` output. Unknown lines are skipped; text with neither the header nor one
 * known counter is not vm_stat output and throws `PARSE_ERROR`.
 */
export function parseVmStat(text: string, file = 'vm_stat'): VmStat {
  const stat = emptyVmStat();
  let known = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trimEnd();
    const header = headerPattern.exec(line);
    if (header) {
      const size = Number(header[1]);
      // A page is a power of two between 512 bytes and 1 MiB on every Mac there has been.
      if (
        !Number.isSafeInteger(size) ||
        size < 512 ||
        size > 1 << 20 ||
        (size & (size - 1)) !== 0
      ) {
        throw new PerfError('PARSE_ERROR', `implausible page size ${header[1]}`, {
          file,
          line: i + 1,
          field: 'page size',
        });
      }
      stat.pageSize = size;
      known += 1;
      continue;
    }
    const match = linePattern.exec(line);
    if (!match) continue;
    const field = labels[match[1]!.trim()];
    const value = Number(match[2]);
    if (field === undefined || !Number.isSafeInteger(value) || stat[field] !== null) continue;
    stat[field] = value;
    known += 1;
  }
  if (known === 0) {
    throw new PerfError('PARSE_ERROR', 'no vm_stat header or counter found (unknown layout)', {
      file,
    });
  }
  return stat;
}
