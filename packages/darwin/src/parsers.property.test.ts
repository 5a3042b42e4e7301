import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { darwinCpu } from './darwin-cpu.js';
import { disksFromIoreg, disksFromIostat } from './darwin-disks.js';
import { darwinInterfaces } from './darwin-interfaces.js';
import { darwinMemory } from './darwin-memory.js';
import { readDarwinSysctl } from './darwin-sysctl.js';
import { parseIoregBlockStorage } from './parse-ioreg.js';
import { parseIostat } from './parse-iostat.js';
import { parseNetstatInterfaces } from './parse-netstat.js';
import { parseSwapUsage, parseSysctl } from './parse-sysctl.js';
import { parseTopHeader } from './parse-top-header.js';
import { parseVmStat } from './parse-vm-stat.js';
import { fixturesDir } from './test-support.js';

/** Every line of every macOS capture and constructed input: the raw material of the inputs. */
const realLines = ['macos', 'constructed'].flatMap((top) =>
  readdirSync(join(fixturesDir, top), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.md'))
    .flatMap((e) => readFileSync(join(e.parentPath, e.name), 'utf8').split('\n')),
);

const oddToken = fc.constantFrom(
  '-1',
  '-',
  'NaN',
  '1e309',
  '99999999999999999999999',
  '0x10',
  '',
  ' ',
  '.',
  '*',
  ':',
  '"',
  '=',
  '{',
  '}',
  '<Link#>',
  '<Link#7>',
  '|',
  '+-o',
);
/** A real line with one whitespace-separated token replaced by something odd. */
const mutated = fc
  .tuple(fc.constantFrom(...realLines), oddToken, fc.nat())
  .map(([line, token, at]) => {
    const parts = line.split(/(\s+)/);
    parts[(at % Math.max(1, parts.length)) & ~1] = token;
    return parts.join('');
  });
const line = fc.oneof(
  fc.constantFrom(...realLines),
  mutated,
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const text = fc.array(line, { maxLength: 40 }).map((lines) => lines.join('\n'));

/**
 * top header lines with each number drawn from odd values too: a real top line mutated at
 * random is too rarely a header line to test the number reading.
 */
const topValue = fc.oneof(
  fc.nat().map(String),
  fc.double().map(String),
  fc.constantFrom('-1', '-0.5', 'NaN', '1e309', '99999999999999999999999', '', '.', '1.', '0x10'),
  fc.string({ maxLength: 4 }),
);
const topUnit = fc.constantFrom('B', 'K', 'M', 'G', 'T', 'P', 'X', '', ' ');
const topLine = fc.oneof(
  fc
    .tuple(topValue, topValue, topValue, topValue)
    .map(([a, b, c, d]) => `Processes: ${a} total, ${b} running, ${c} stuck, ${d} threads `),
  fc.tuple(topValue, topValue, topValue).map(([a, b, c]) => `Load Avg: ${a}, ${b}, ${c} `),
  fc
    .tuple(topValue, topValue, topValue)
    .map(([a, b, c]) => `CPU usage: ${a}% user, ${b}% sys, ${c}% idle `),
  fc
    .tuple(topValue, topUnit, topValue, topUnit, topValue, topUnit)
    .map(
      ([a, u, b, v, c, w]) =>
        `PhysMem: ${a}${u} used (${b}${v} wired, ${c}${w} compressor), ${a}${w} unused.`,
    ),
  line,
);
const topText = fc.array(topLine, { maxLength: 30 }).map((lines) => lines.join('\n'));

/** Runs `parse`; it may only throw a PerfError with a code, and may only return sane numbers. */
function checkParser(parse: (input: string) => unknown, inputs = text): void {
  fc.assert(
    fc.property(inputs, (input) => {
      let out: unknown;
      try {
        out = parse(input);
      } catch (error) {
        expect(PerfError.isInstance(error), String(error)).toBe(true);
        expect((error as PerfError).code).toMatch(/^[A-Z_]+$/);
        return;
      }
      for (const n of numbersIn(out)) {
        expect(Number.isFinite(n), String(n)).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
      }
    }),
    { numRuns: 400 },
  );
}

function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value === null || typeof value !== 'object') return [];
  const items = value instanceof Map ? [...value.values()] : Object.values(value);
  return items.flatMap(numbersIn);
}

describe('darwin parsers on arbitrary text (fast-check)', () => {
  it('vm_stat, and memory from it', () => {
    checkParser((t) => {
      const vm = parseVmStat(t);
      return [vm, darwinMemory(vm, { memsize: 17179869184, pagesize: 4096, swap: null })];
    });
  });

  it('sysctl', () => {
    checkParser((t) => {
      const values = parseSysctl(t);
      return [readDarwinSysctl(values), parseSwapUsage(t)];
    });
  });

  it('ioreg, and disks from it', () =>
    checkParser((t) => disksFromIoreg(parseIoregBlockStorage(t))));

  it('iostat, and disks from it', () =>
    checkParser((t) => [parseIostat(t), disksFromIostat(parseIostat(t))]));

  it('netstat, and interfaces from it', () =>
    checkParser((t) => darwinInterfaces(parseNetstatInterfaces(t))));

  it('top -l header (diagnostic)', () => {
    checkParser((t) => parseTopHeader(t));
    checkParser((t) => parseTopHeader(t), topText);
  });

  it('os.cpus() with any numbers gives no NaN and no negative time', () => {
    const tick = fc.oneof(fc.double(), fc.nat(), fc.constant(Number.NaN), fc.constant(-1));
    const cpu = fc
      .record({ user: tick, nice: tick, sys: tick, idle: tick, irq: tick })
      .map((times) => ({ times }));
    fc.assert(
      fc.property(fc.array(cpu, { maxLength: 16 }), (cpus) => {
        for (const n of numbersIn(darwinCpu(cpus))) {
          expect(Number.isNaN(n)).toBe(false);
          expect(n).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
