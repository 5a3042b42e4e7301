import { PerfError } from '@arcbox/perf-core';
import { binarySizeBytes } from './binary-size.js';

/** Process counts of top's `Processes:` line; a state top did not print is null. */
export interface TopProcessCounts {
  total: number | null;
  running: number | null;
  stuck: number | null;
  sleeping: number | null;
  threads: number | null;
}

/**
 * Sizes of top's `PhysMem:` line in bytes (top rounds them to 3 or 4 digits and a unit, so
 * they are coarse). Newer macOS: `15G used (2739M wired, 2840M compressor), 85M unused.`;
 * 10.9 to 10.12 era: `13G used (1470M wired), 2563M unused.` (no compressor part: null).
 */
export interface TopPhysMem {
  used: number | null;
  wired: number | null;
  compressor: number | null;
  unused: number | null;
}

/**
 * The header of one `top -l N` sample. Diagnostic only: the collector does not run top (CPU
 * comes from os.cpus(), memory from vm_stat); this reads a top capture attached to a bug report
 * so it can be set beside our figures.
 */
export interface TopHeader {
  /** Which sample this is (1-based): the last one in the text. */
  sample: number;
  /** How many samples the text held (`top -l N` prints N headers). */
  samples: number;
  processes: TopProcessCounts | null;
  /** As printed (`2017/06/05 15:04:51`): local time with no zone, so not turned into a date. */
  localTime: string | null;
  load: { load1: number; load5: number; load15: number } | null;
  /** Percentages of the `CPU usage:` line. */
  cpu: { user: number; system: number; idle: number } | null;
  /**
   * False for the first sample, true from the second on. top computes CPU usage "since the
   * previous sample" (its default -c n mode); the first sample has none, so its CPU line is
   * not a rate over any interval and is invalid by design. Never use it as a rate: run
   * `top -l 2` and take the second sample (SEMANTICS.md), or better, os.cpus() twice.
   */
  cpuIsRate: boolean;
  physMem: TopPhysMem | null;
}

const processStates: Record<string, keyof TopProcessCounts> = {
  total: 'total',
  running: 'running',
  stuck: 'stuck',
  sleeping: 'sleeping',
  threads: 'threads',
};

const physMemLabels: Record<string, keyof TopPhysMem> = {
  used: 'used',
  wired: 'wired',
  compressor: 'compressor',
  unused: 'unused',
};

interface Draft {
  processes: TopProcessCounts | null;
  localTime: string | null;
  load: TopHeader['load'];
  cpu: TopHeader['cpu'];
  physMem: TopPhysMem | null;
}

const emptyDraft = (): Draft => ({
  processes: null,
  localTime: null,
  load: null,
  cpu: null,
  physMem: null,
});

const hasContent = (d: Draft) =>
  d.processes !== null ||
  d.localTime !== null ||
  d.load !== null ||
  d.cpu !== null ||
  d.physMem !== null;

/**
 * Parses the header lines of `top -l N` output (with or without the process table, `-n 0`):
 * `Processes:`, the date line, `Load Avg:`, `CPU usage:` and `PhysMem:`. Each `Processes:`
 * line starts a sample; the last sample is returned, with `sample`/`samples` saying which.
 * Other lines (SharedLibs, MemRegions, VM, Networks, Disks, the process table) and values that
 * do not read as numbers are skipped. Text with none of those header lines is not top output:
 * `PARSE_ERROR`.
 */
export function parseTopHeader(text: string, file = 'top'): TopHeader {
  const drafts: Draft[] = [];
  let current = emptyDraft();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const colon = line.indexOf(':');
    const label = colon < 0 ? '' : line.slice(0, colon);
    const rest = line.slice(colon + 1);
    if (label === 'Processes') {
      if (hasContent(current)) drafts.push(current);
      current = emptyDraft();
      current.processes = readProcesses(rest);
    } else if (label === 'Load Avg') {
      current.load = readLoad(rest) ?? current.load;
    } else if (label === 'CPU usage') {
      current.cpu = readCpu(rest) ?? current.cpu;
    } else if (label === 'PhysMem') {
      current.physMem = readPhysMem(rest) ?? current.physMem;
    } else if (current.localTime === null && /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/.test(line)) {
      current.localTime = line;
    }
  }
  if (hasContent(current)) drafts.push(current);
  const last = drafts.at(-1);
  if (last === undefined) {
    throw new PerfError(
      'PARSE_ERROR',
      'no top header line (Processes, Load Avg, CPU usage, PhysMem) found (unknown layout)',
      { file },
    );
  }
  return { sample: drafts.length, samples: drafts.length, cpuIsRate: drafts.length > 1, ...last };
}

/**
 * A non-negative decimal as top prints it, up to 2^53, or null (a count or percent that is not
 * one).
 */
function decimal(text: string | undefined): number | null {
  if (text === undefined || !/^\d+(?:\.\d+)?$/.test(text)) return null;
  const value = Number(text);
  return value <= Number.MAX_SAFE_INTEGER ? value : null;
}

/** `263 total, 2 running, 5 stuck, 256 sleeping, 1421 threads` */
function readProcesses(rest: string): TopProcessCounts {
  const counts: TopProcessCounts = {
    total: null,
    running: null,
    stuck: null,
    sleeping: null,
    threads: null,
  };
  for (const part of rest.split(',')) {
    const [count, state] = part.trim().split(/\s+/);
    const field = state === undefined ? undefined : processStates[state];
    const value = decimal(count);
    if (field !== undefined && value !== null && Number.isSafeInteger(value)) counts[field] = value;
  }
  return counts;
}

/** `2.29, 2.02, 1.90` */
function readLoad(rest: string): TopHeader['load'] {
  const values = rest.split(',').map((v) => decimal(v.trim()));
  const [load1, load5, load15] = values;
  if (values.length !== 3 || load1 == null || load5 == null || load15 == null) return null;
  return { load1, load5, load15 };
}

/** `2.73% user, 10.95% sys, 86.30% idle` */
function readCpu(rest: string): TopHeader['cpu'] {
  const found: Record<string, number> = {};
  for (const part of rest.split(',')) {
    const match = /^(\S+)%\s+(\w+)$/.exec(part.trim());
    const value = decimal(match?.[1]);
    if (match && value !== null) found[match[2]!] = value;
  }
  const { user, sys, idle } = found;
  if (user === undefined || sys === undefined || idle === undefined) return null;
  return { user, system: sys, idle };
}

/** `15G used (1447M wired), 1424M unused.` or `31G used (2739M wired, 2840M compressor), 85M unused.` */
function readPhysMem(rest: string): TopPhysMem | null {
  const mem: TopPhysMem = { used: null, wired: null, compressor: null, unused: null };
  let known = 0;
  for (const match of rest.matchAll(/(\d+(?:\.\d+)?)([BKMGTP])\s+(\w+)/g)) {
    const field = physMemLabels[match[3]!];
    const bytes = binarySizeBytes(match[1]!, match[2]!);
    if (field === undefined || bytes === null) continue;
    if (mem[field] !== null) continue;
    mem[field] = bytes;
    known += 1;
  }
  return known === 0 ? null : mem;
}
