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
  '-5',
  '-0',
  '1.5',
  '9007199254740993',
  '99999999999999999999',
  '9'.repeat(400),
  '562949953421312',
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

/** vm_stat output from its real lines, each count drawn anew: odd ones and huge safe ones too. */
const vmStatLines = realLines.filter((l) => /^"?[A-Za-z][^:]*"?:\s+\d+\.?\s*$/.test(l));
const vmStatText = fc
  .tuple(
    fc.constantFrom(4096, 16384),
    fc.array(
      fc.tuple(
        fc.constantFrom(...vmStatLines),
        fc.oneof(fc.nat().map(String), oddToken, fc.constantFrom('562949953421312')),
      ),
      { maxLength: 25 },
    ),
  )
  .map(([size, lines]) =>
    [
      `Mach Virtual Memory Statistics: (page size of ${size} bytes)`,
      ...lines.map(([l, v]) => l.replace(/\d+\.?\s*$/, `${v}.`)),
    ].join('\n'),
  );

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

/**
 * Runs `parse`; it may only throw a PerfError with a code, and may only return finite
 * non-negative numbers, integers up to 2^53 under the keys `counted` accepts.
 */
function checkParser(
  parse: (input: string) => unknown,
  inputs = text,
  counted: (key: string) => boolean = () => false,
): void {
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
      for (const [key, n] of numbersIn(out)) {
        expect(Number.isFinite(n), `${key} = ${n}`).toBe(true);
        expect(n).toBeGreaterThanOrEqual(0);
        if (counted(key)) expect(Number.isSafeInteger(n), `${key} = ${n}`).toBe(true);
      }
    }),
    { numRuns: 400 },
  );
}

/** Every number in a parsed value, with the key it was found under. */
function numbersIn(value: unknown, key = ''): Array<[string, number]> {
  if (typeof value === 'number') return [[key, value]];
  if (value === null || typeof value !== 'object') return [];
  const items = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return items.flatMap(([k, v]) => numbersIn(v, Array.isArray(value) ? key : String(k)));
}

/** Keys whose figures are decimals by nature (times in ms, rates, percentages, loads). */
const decimals = new Set([
  'readTimeMs',
  'writeTimeMs',
  'kbPerTransfer',
  'transfersPerSecond',
  'mbPerSecond',
  'megabytes',
  'user',
  'system',
  'idle',
  'load1',
  'load5',
  'load15',
]);
const counted = (key: string) => !decimals.has(key);

describe('darwin parsers on arbitrary text (fast-check)', () => {
  it('vm_stat, and memory from it', () => {
    checkParser(
      (t) => {
        const vm = parseVmStat(t);
        return [vm, darwinMemory(vm, { memsize: 17179869184, pagesize: 4096, swap: null })];
      },
      fc.oneof(text, vmStatText),
      counted,
    );
  });

  it('sysctl', () => {
    checkParser(
      (t) => {
        const values = parseSysctl(t);
        return [readDarwinSysctl(values), parseSwapUsage(t)];
      },
      text,
      counted,
    );
  });

  it('ioreg, and disks from it', () =>
    checkParser((t) => disksFromIoreg(parseIoregBlockStorage(t)), text, counted));

  it('iostat, and disks from it', () =>
    checkParser((t) => [parseIostat(t), disksFromIostat(parseIostat(t))], text, counted));

  it('netstat, and interfaces from it', () =>
    checkParser((t) => darwinInterfaces(parseNetstatInterfaces(t)), text, counted));

  it('top -l header (diagnostic)', () => {
    checkParser((t) => parseTopHeader(t), text, counted);
    checkParser((t) => parseTopHeader(t), topText, counted);
  });

  it('os.cpus() with any numbers gives no NaN and no negative time', () => {
    const tick = fc.oneof(fc.double(), fc.nat(), fc.constant(Number.NaN), fc.constant(-1));
    const cpu = fc
      .record({ user: tick, nice: tick, sys: tick, idle: tick, irq: tick })
      .map((times) => ({ times }));
    fc.assert(
      fc.property(fc.array(cpu, { maxLength: 16 }), (cpus) => {
        for (const [, n] of numbersIn(darwinCpu(cpus))) {
          expect(Number.isNaN(n)).toBe(false);
          expect(n).toBeGreaterThanOrEqual(0);
        }
      }),
    );
  });
});
