import { CGROUP_COUNT_LIMIT } from './parse-cgroup-values.js';
import { scanBlkio } from './scan-cgroup-text.js';

/** Block I/O totals of a cgroup, summed over its devices. */
export interface BlockIoTotals {
  /**
   * Each sum is null when one device's value for it is not a count (negative, fractional, past
   * 2^53), or the sum passes 2^53.
   */
  readBytes: number | null;
  writeBytes: number | null;
  readOps: number | null;
  writeOps: number | null;
  /** Devices that reported at least one counter. */
  devices: number;
}

const deviceToken = /\d+:\d+$/;

type IoField = 'readBytes' | 'writeBytes' | 'readOps' | 'writeOps';
const KEYS = new Map<string, IoField>([
  ['rbytes', 'readBytes'],
  ['wbytes', 'writeBytes'],
  ['rios', 'readOps'],
  ['wios', 'writeOps'],
]);

/**
 * cgroup v2 `io.stat`: `MAJ:MIN rbytes=.. wbytes=.. rios=.. wios=.. dbytes=.. dios=..` per device.
 * Some kernels print devices without stats run together with no separator
 * (`7:1 7:07:7 ... 7:0251:0 rbytes=...`, elastic-agent-system-metrics' ubuntu2 capture), so the
 * text is read as tokens: a `MAJ:MIN`-ending token starts a device, `key=value` tokens add to it.
 * Unknown keys (iocost's `cost.vrate=100.00`) are ignored. Sums match SEMANTICS.md. A value of
 * the four summed keys that is not a count below 2^53 makes that sum null (unknown, never an
 * undercount), as does a sum past 2^53; the caller names the key in a problem.
 */
export function parseIoStat(text: string): BlockIoTotals {
  const totals: BlockIoTotals = {
    readBytes: 0,
    writeBytes: 0,
    readOps: 0,
    writeOps: 0,
    devices: 0,
  };
  let inDevice = false;
  let counted = false;
  for (const token of text.split(/\s+/)) {
    if (token === '') continue;
    const eq = token.indexOf('=');
    if (eq < 0) {
      inDevice = deviceToken.test(token);
      counted = false;
      continue;
    }
    if (!inDevice) continue;
    const field = KEYS.get(token.slice(0, eq));
    if (field === undefined) continue;
    const raw = token.slice(eq + 1);
    const value = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    const sum = (totals[field] ?? Number.NaN) + value;
    totals[field] = sum < CGROUP_COUNT_LIMIT ? sum : null;
    if (!counted) {
      totals.devices += 1;
      counted = true;
    }
  }
  return totals;
}

/** Read and Write sums of a v1 blkio table (`blkio.throttle.io_service_bytes` or `..._serviced`). */
export interface BlkioTotals {
  read: number;
  write: number;
  devices: number;
}

/**
 * cgroup v1 blkio tables: `MAJ:MIN Op value` rows (Read, Write, Sync, Async, Discard, Total) and a
 * closing bare `Total N`. Read + Write are summed over devices; Total also counts Discard and
 * Sync/Async (runc README), so it is not used. Rows of another shape are skipped.
 */
export function parseBlkio(text: string): BlkioTotals {
  // Two of these tables are read per container per reading: scanned, split only for odd text.
  return scanBlkio(text) ?? splitBlkio(text);
}

function splitBlkio(text: string): BlkioTotals {
  const totals: BlkioTotals = { read: 0, write: 0, devices: 0 };
  const seen = new Set<string>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 3) continue;
    const [device, op, raw] = parts as [string, string, string];
    if (!deviceToken.test(device) || !/^\d+$/.test(raw)) continue;
    const value = Number(raw);
    if (op === 'Read') totals.read += value;
    else if (op === 'Write') totals.write += value;
    else continue;
    seen.add(device);
  }
  totals.devices = seen.size;
  return totals;
}
