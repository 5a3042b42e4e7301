import type { GpuReading, ReadingStamp } from '@arcbox/perf-core';
import { NVIDIA_QUERY_FIELDS, THROTTLE_REASON_BITS } from './nvidia-query-fields.js';
import { mhzToHz, mibToBytes, nvidiaNumber, performanceState } from './nvidia-value.js';

/** Longest line read; a longer one is skipped (a product name is under 100 characters). */
export const MAX_CSV_LINE = 2048;

/**
 * One line of `--query-gpu=<NVIDIA_QUERY_FIELDS> --format=csv,noheader,nounits` to a reading, or
 * null for a line it cannot read (wrong column count, no uuid, too long). A product name with a
 * comma in it gives extra columns: they are joined back into the name.
 */
export function parseQueryGpuLine(line: string, stamp: ReadingStamp): GpuReading | null {
  if (line.length > MAX_CSV_LINE) return null;
  const m = commasIn(line) === NVIDIA_QUERY_FIELDS.length - 1 ? PLAIN_LINE.exec(line) : null;
  return m ? readingFromMatch(m, stamp) : parseQueryGpuColumns(line, stamp);
}

function commasIn(line: string): number {
  let n = 0;
  for (let i = line.indexOf(','); i >= 0; i = line.indexOf(',', i + 1)) n += 1;
  return n;
}

// The usual line as one regular expression (plain decimals apart from the rest in each numeric
// column, no comma in the name): at 1 Hz nothing stays compiled or cached, and splitting,
// trimming and reading 19 columns one by one cost about 190 us for two GPUs against about 55 us
// for one match. Any other line goes column by column (`parseQueryGpuColumns`), and a property
// test checks that both give the same reading wherever this one matches. Only a line with one
// column per field is tried: each column's pattern can match its text in more than one way, so
// a line that fails at its end (a comma too many) would try every combination of the columns
// before it; with the column count right, only the uuid can fail, second in the line.
const S = '\\s*';
const NUMBER = `${S}(?:(-?\\d+(?:\\.\\d+)?)|([^,]*?))${S}`;
const TEXT = `${S}([^,]*?)${S}`;
const PLAIN_LINE = new RegExp(
  `^${[
    NUMBER, // index: groups 1, 2
    `${S}((?:GPU|MIG)-[\\w-]+)${S}`, // uuid: 3
    TEXT, // name: 4
    ...Array.from({ length: 10 }, () => NUMBER), // utilization.gpu .. fan.speed: 5 .. 24
    `${S}(?:P(\\d{1,2})|[^,]*?)${S}`, // pstate: 25
    `${S}(?:0x([0-9a-fA-F]{1,16})|[^,]*?)${S}`, // throttle reasons: 26
    ...Array.from({ length: 4 }, () => NUMBER), // ecc x2, encoder, decoder: 27 .. 34
  ].join(',')}$`,
);

function readingFromMatch(m: RegExpExecArray, stamp: ReadingStamp): GpuReading {
  const v = (group: number): number | null => {
    const plain = m[group];
    if (plain === undefined) return nvidiaNumber(m[group + 1]);
    const n = Number(plain);
    return Number.isFinite(n) ? n : null;
  };
  const uuid = m[3]!;
  // Every field in one literal, no spread (see parseQueryGpuColumns).
  return {
    monotonicMs: stamp.monotonicMs,
    time: stamp.time,
    id: uuid,
    vendor: 'nvidia',
    index: v(1),
    uuid,
    name: m[4] || 'NVIDIA GPU',
    parentId: null,
    utilizationPercent: v(5),
    memoryUtilizationPercent: v(7),
    memoryUsedBytes: mibToBytes(v(9)),
    memoryTotalBytes: mibToBytes(v(11)),
    powerWatts: v(13),
    powerLimitWatts: v(15),
    temperatureCelsius: v(17),
    slowdownTemperatureCelsius: null,
    smClockHz: mhzToHz(v(19)),
    memoryClockHz: mhzToHz(v(21)),
    fanPercent: v(23),
    performanceState: m[25] === undefined ? null : Number(m[25]),
    throttleReasons: m[26] === undefined ? null : reasonsOf(m[26]),
    eccCorrectedErrors: v(27),
    eccUncorrectedErrors: v(29),
    encoderPercent: v(31),
    decoderPercent: v(33),
    rendererPercent: null,
    tilerPercent: null,
    memoryAllocatedBytes: null,
    processes: [],
    problems: [],
  };
}

/** `parseQueryGpuLine` column by column: any line, names with commas included. */
export function parseQueryGpuColumns(line: string, stamp: ReadingStamp): GpuReading | null {
  if (line.length > MAX_CSV_LINE) return null;
  let cols = line.split(',').map((c) => c.trim());
  const extra = cols.length - NVIDIA_QUERY_FIELDS.length;
  if (extra < 0) return null;
  if (extra > 0)
    cols = [cols[0]!, cols[1]!, cols.slice(2, 3 + extra).join(', '), ...cols.slice(3 + extra)];
  const v = (i: number) => csvNumber(cols[i]);
  const uuid = cols[1]!;
  if (!/^(GPU|MIG)-[\w-]+$/.test(uuid)) return null;
  // Every field in one literal, no spread: a spread followed by new keys makes V8 build the
  // object key by key (about 50 us a line here, most of a streaming round's own CPU).
  // `emptyGpuReading` is the plain form; a test checks both give the same object.
  return {
    monotonicMs: stamp.monotonicMs,
    time: stamp.time,
    id: uuid,
    vendor: 'nvidia',
    index: v(0),
    uuid,
    name: cols[2] || 'NVIDIA GPU',
    parentId: null,
    utilizationPercent: v(3),
    memoryUtilizationPercent: v(4),
    memoryUsedBytes: mibToBytes(v(5)),
    memoryTotalBytes: mibToBytes(v(6)),
    powerWatts: v(7),
    powerLimitWatts: v(8),
    temperatureCelsius: v(9),
    slowdownTemperatureCelsius: null,
    smClockHz: mhzToHz(v(10)),
    memoryClockHz: mhzToHz(v(11)),
    fanPercent: v(12),
    performanceState: performanceState(cols[13]),
    throttleReasons: throttleReasons(cols[14]),
    eccCorrectedErrors: v(15),
    eccUncorrectedErrors: v(16),
    encoderPercent: v(17),
    decoderPercent: v(18),
    rendererPercent: null,
    tilerPercent: null,
    memoryAllocatedBytes: null,
    processes: [],
    problems: [],
  };
}

/** `0x0000000000000005` to its reasons' names; null when not a hex number (`[N/A]`). */
export function throttleReasons(text: string | undefined): string[] | null {
  const m = /^0x([0-9a-fA-F]{1,16})$/.exec(text?.trim() ?? '');
  return m ? reasonsOf(m[1]!) : null;
}

/** Up to 16 hex digits to reasons' names. Every known reason is in the low 32 bits: no BigInt. */
function reasonsOf(hex: string): string[] {
  const bits = Number.parseInt(hex.slice(Math.max(0, hex.length - 8)), 16);
  const out: string[] = [];
  for (const [bit, name] of THROTTLE_REASON_BITS) if ((bits & bit) !== 0) out.push(name);
  return out;
}

/**
 * A column of csv with nounits. Most are plain decimals (`-?\d+(\.\d+)?`), read here without a
 * regular expression (a tenth of a line's parse in a 1 Hz process, where nothing stays compiled);
 * the rest (`[N/A]`, `[Not Supported]`, a unit left in) go the general way, to the same value.
 */
export function csvNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === 45 ? 1 : 0;
  let digits = 0;
  let dot = -1;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digits += 1;
    else if (c === 46 && dot < 0 && digits > 0) dot = i;
    else return nvidiaNumber(text);
  }
  if (digits === 0 || dot === n - 1) return nvidiaNumber(text);
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

/** One line of `--query-compute-apps=pid,gpu_uuid,used_memory --format=csv,noheader,nounits`. */
export interface ComputeApp {
  pid: number;
  gpuUuid: string;
  usedMemoryBytes: number | null;
}

const MAX_APPS = 4096;

/** Parses the compute-apps listing; odd lines are skipped, at most 4096 kept. */
export function parseComputeApps(text: string): ComputeApp[] {
  const out: ComputeApp[] = [];
  for (const line of text.split('\n')) {
    if (out.length >= MAX_APPS) break;
    if (line.length > MAX_CSV_LINE) continue;
    const cols = line.split(',').map((c) => c.trim());
    if (cols.length !== 3) continue;
    const pid = Number(cols[0]);
    if (!Number.isInteger(pid) || pid <= 0 || !/^(GPU|MIG)-[\w-]+$/.test(cols[1]!)) continue;
    out.push({ pid, gpuUuid: cols[1]!, usedMemoryBytes: mibToBytes(nvidiaNumber(cols[2])) });
  }
  return out;
}
