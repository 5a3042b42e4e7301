// readCgroupStats on cgroup files of any content (constructed, in memory): whatever the files
// hold, every figure is null or a finite non-negative number, and an integer where the figure
// is a count. Kernel-shaped values with odd numbers in them are drawn often enough to get past
// the first checks of each parser.
import { PerfError } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FileReader } from '../fs/file-reader.js';
import { type CgroupLayout, layoutFromMounts } from './cgroup-layout.js';
import {
  countPids,
  firstPid,
  parseCgroupCount,
  parseCgroupLimit,
  parseCgroupNanoseconds,
  parseCpuMax,
} from './parse-cgroup-values.js';
import { parseIoStat } from './parse-io-stat.js';
import { type CgroupStats, readCgroupStats } from './read-cgroup-stats.js';

/** A FileReader over a map of paths to texts: nothing touches the disk. */
function memoryReader(files: Map<string, string>): FileReader {
  return {
    root: '/',
    read: (path) => files.get(path) ?? null,
    exists: (path) => [...files.keys()].some((k) => k === path || k.startsWith(`${path}/`)),
    list: () => null,
    forget: () => {},
    close: () => {},
  };
}

const number = fc.oneof(
  fc.nat().map(String),
  fc.constantFrom(
    '-1',
    '-5',
    '-0',
    '-123456789',
    '1.5',
    '1e3',
    '0x10',
    'NaN',
    'Infinity',
    '',
    'max',
    '9007199254740991',
    '9007199254740993',
    '99999999999999999999',
    '18446744073709551615',
    '9223372036854771712',
  ),
  fc.string({ maxLength: 4 }),
);
const keyed = (keys: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...keys), number), { maxLength: 8 })
    .map((pairs) => pairs.map(([k, v]) => `${k} ${v}`).join('\n'));
const blkio = fc
  .array(
    fc.tuple(
      fc.constantFrom('8:0', '8:16', '253:1'),
      fc.constantFrom('Read', 'Write', 'Total'),
      number,
    ),
    { maxLength: 6 },
  )
  .map((rows) => rows.map((r) => r.join(' ')).join('\n'));
const ioStat = fc
  .array(
    fc.tuple(
      fc.constantFrom('8:0', '8:16', '7:0251:0'),
      fc.array(fc.tuple(fc.constantFrom('rbytes', 'wbytes', 'rios', 'wios', 'dbytes'), number), {
        maxLength: 5,
      }),
    ),
    { maxLength: 3 },
  )
  .map((devices) =>
    devices.map(([d, kv]) => `${d} ${kv.map(([k, v]) => `${k}=${v}`).join(' ')}`).join('\n'),
  );
const single = fc.oneof(
  number,
  number.map((n) => `${n}\n`),
);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 4 });

const v1Files = fc.record({
  'cpuacct/box/cpuacct.usage': maybe(single),
  'cpu/box/cpu.stat': maybe(keyed(['nr_periods', 'nr_throttled', 'throttled_time'])),
  'cpu/box/cpu.cfs_quota_us': maybe(single),
  'cpu/box/cpu.cfs_period_us': maybe(single),
  'memory/box/memory.usage_in_bytes': maybe(single),
  'memory/box/memory.stat': maybe(keyed(['total_inactive_file', 'inactive_file', 'cache'])),
  'memory/box/memory.limit_in_bytes': maybe(single),
  'memory/box/cgroup.procs': maybe(fc.array(number).map((ns) => ns.join('\n'))),
  'blkio/box/blkio.throttle.io_service_bytes_recursive': maybe(blkio),
  'blkio/box/blkio.throttle.io_serviced_recursive': maybe(blkio),
  'pids/box/pids.current': maybe(single),
  'pids/box/pids.max': maybe(single),
});
const v2Files = fc.record({
  'unified/box/cpu.stat': maybe(
    keyed(['usage_usec', 'nr_periods', 'nr_throttled', 'throttled_usec']),
  ),
  'unified/box/cpu.max': maybe(fc.tuple(number, number).map(([q, p]) => `${q} ${p}\n`)),
  'unified/box/memory.current': maybe(single),
  'unified/box/memory.stat': maybe(keyed(['inactive_file', 'anon'])),
  'unified/box/memory.max': maybe(single),
  'unified/box/io.stat': maybe(ioStat),
  'unified/box/pids.current': maybe(single),
  'unified/box/pids.max': maybe(single),
  'unified/box/cgroup.procs': maybe(fc.array(number).map((ns) => ns.join('\n'))),
});

const v1Layout = layoutFromMounts(
  ['cpuacct', 'cpu', 'memory', 'blkio', 'pids'].map((c) => ({
    mountPoint: c,
    mountRoot: '/',
    controllers: [c],
    version: 1 as const,
  })),
);
const v2Layout = layoutFromMounts([
  { mountPoint: 'unified', mountRoot: '/', controllers: [], version: 2 },
]);

/** Figures that are counts (bytes, periods, pids); the rest are seconds or cores. */
const COUNTS = [
  'cpuPeriods',
  'cpuThrottledPeriods',
  'memoryUsage',
  'memoryWorkingSet',
  'memoryLimit',
  'blockReadBytes',
  'blockWriteBytes',
  'blockReadOps',
  'blockWriteOps',
  'pids',
  'pidsLimit',
  'memoryInactiveFile',
  'pid',
] as const;
const DECIMALS = ['cpuSeconds', 'cpuThrottledSeconds', 'cpuLimitCores'] as const;

function expectSane(stats: CgroupStats): void {
  for (const key of COUNTS) {
    const v = stats[key];
    if (v !== null) expect(Number.isSafeInteger(v) && v >= 0, `${key} = ${v}`).toBe(true);
  }
  for (const key of DECIMALS) {
    const v = stats[key];
    if (v !== null) expect(Number.isFinite(v) && v >= 0, `${key} = ${v}`).toBe(true);
  }
  for (const p of stats.problems) expect(p.source).not.toBe('');
}

function check(layout: CgroupLayout, files: fc.Arbitrary<Record<string, string | undefined>>) {
  fc.assert(
    fc.property(files, (record) => {
      const map = new Map<string, string>();
      for (const [path, text] of Object.entries(record))
        if (text !== undefined) map.set(path, text);
      const reader = memoryReader(map);
      const first = readCgroupStats(reader, layout, '/box');
      expectSane(first);
      // Again with the first as `previous`: carried figures must be as sane as read ones.
      expectSane(
        readCgroupStats(reader, layout, '/box', { previous: first, limits: first.limits }),
      );
    }),
    { numRuns: 1500 },
  );
}

describe('readCgroupStats on cgroup files of any content (property)', () => {
  it('cgroup v1: every figure is null or a non-negative number, an integer where it is a count', () =>
    check(v1Layout, v1Files));
  it('cgroup v2: every figure is null or a non-negative number, an integer where it is a count', () =>
    check(v2Layout, v2Files));
});

/** Runs `parse` on `text`: a PARSE_ERROR, or numbers that pass `ok` (null is no number). */
function checkParser(
  texts: fc.Arbitrary<string>,
  parse: (text: string) => unknown,
  ok: (n: number) => boolean,
) {
  fc.assert(
    fc.property(texts, (text) => {
      let out: unknown;
      try {
        out = parse(text);
      } catch (error) {
        expect(PerfError.isInstance(error) && error.code).toBe('PARSE_ERROR');
        return;
      }
      const values = typeof out === 'object' && out !== null ? Object.values(out) : [out];
      for (const v of values) if (v !== null) expect(ok(v as number), `${v}`).toBe(true);
    }),
    { numRuns: 2000 },
  );
}

const count = (n: number) => Number.isSafeInteger(n) && n >= 0;
const anyText = fc.oneof(single, fc.string({ maxLength: 30 }), fc.string({ unit: 'binary' }));

describe('cgroup value parsers on any text (property)', () => {
  it('one-number files read as counts: a count below 2^53, or a PARSE_ERROR', () =>
    checkParser(anyText, (t) => parseCgroupCount(t, 'f'), count));
  it('nanosecond counters: a non-negative integer below 2^63, or a PARSE_ERROR', () =>
    checkParser(
      anyText,
      (t) => parseCgroupNanoseconds(t, 'f'),
      (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 63,
    ));
  it('limits: null, a count below 2^53, or a PARSE_ERROR', () =>
    checkParser(anyText, (t) => parseCgroupLimit(t, 'f'), count));
  it('cpu.max: null, finite non-negative cores, or a PARSE_ERROR', () =>
    checkParser(
      fc.oneof(
        anyText,
        fc.tuple(number, number).map(([q, p]) => `${q} ${p}`),
      ),
      (t) => parseCpuMax(t, 'f'),
      (n) => Number.isFinite(n) && n >= 0,
    ));
  it('io.stat: counts or null, never a throw', () =>
    checkParser(fc.oneof(ioStat, anyText), parseIoStat, count));
  it('cgroup.procs: a positive pid or null, and a count', () =>
    checkParser(
      fc.oneof(
        anyText,
        fc.array(number).map((ns) => ns.join('\n')),
      ),
      (t) => [firstPid(t), countPids(t)],
      (n) => count(n),
    ));
});
