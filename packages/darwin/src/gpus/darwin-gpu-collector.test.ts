import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createExecFileRunner } from '../command-runner.js';
import { createStubCommands } from '../stub-commands.js';
import { createDarwinGpuCollector, IOREG_ACCELERATOR_ARGS } from './darwin-gpu-collector.js';
import { MAX_IOREG_ACCELERATOR_CHARS, parseIoregAccelerators } from './parse-ioreg-accelerator.js';

const here = join(import.meta.dirname, '__fixtures__');
const text = (name: string) => readFileSync(join(here, name), 'utf8');
const signal = new AbortController().signal;

async function rejection(p: Promise<unknown>): Promise<PerfError> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  if (!PerfError.isInstance(e)) throw new Error(`expected a PerfError, got ${String(e)}`);
  return e;
}

describe('parseIoregAccelerators (constructed captures: __fixtures__/PROVENANCE.md)', () => {
  it('reads an Apple GPU’s PerformanceStatistics to exact values', () => {
    expect(parseIoregAccelerators(text('ioreg_ioaccelerator_agx.txt'))).toEqual([
      {
        className: 'AGXAcceleratorG14X',
        registryId: '0x1000003f1',
        model: 'Apple M2 Pro',
        coreCount: 19,
        deviceUtilizationPercent: 34,
        rendererUtilizationPercent: 31,
        tilerUtilizationPercent: 12,
        inUseSystemMemoryBytes: 1073741824,
        allocSystemMemoryBytes: 6442450944,
      },
    ]);
  });

  it('skips other accelerators and ones without statistics; odd values are null, never 0', () => {
    expect(parseIoregAccelerators(text('ioreg_ioaccelerator_odd.txt'))).toEqual([
      {
        className: 'AGXAcceleratorG13X',
        registryId: '0x1000002c7',
        model: null,
        coreCount: 8,
        deviceUtilizationPercent: null,
        rendererUtilizationPercent: null,
        tilerUtilizationPercent: null,
        inUseSystemMemoryBytes: null,
        allocSystemMemoryBytes: null,
      },
    ]);
  });

  it('empty output is no GPU; unknown text and text past 1 MiB are PARSE_ERRORs naming the file', () => {
    expect(parseIoregAccelerators('\n')).toEqual([]);
    const unknown = (() => {
      try {
        parseIoregAccelerators('IOAccelerator: permission denied\n', 'commands/ioreg.txt');
      } catch (e) {
        return e as PerfError;
      }
    })();
    expect([unknown?.code, unknown?.file]).toEqual(['PARSE_ERROR', 'commands/ioreg.txt']);
    const huge = (() => {
      try {
        parseIoregAccelerators(' '.repeat(MAX_IOREG_ACCELERATOR_CHARS + 1));
      } catch (e) {
        return e as PerfError;
      }
    })();
    expect(huge?.code).toBe('PARSE_ERROR');
    expect(huge?.message).toMatch(/more than 1048576 characters/);
  });

  it('keeps at most 16 accelerators and reads only the first 64 KiB of a line', () => {
    const one = text('ioreg_ioaccelerator_agx.txt');
    expect(parseIoregAccelerators(one.repeat(40))).toHaveLength(16);
    const long = one.replace('"model" = "Apple M2 Pro"', `"model" = "${'x'.repeat(100_000)}"`);
    expect(parseIoregAccelerators(long)[0]?.model).toBeNull();
  });
});

describe('createDarwinGpuCollector (stand-in ioreg on PATH, real execFile runner)', () => {
  const stubs = createStubCommands();
  afterAll(() => stubs.dispose());
  const collector = (timeoutMs = 2000) =>
    createDarwinGpuCollector({
      run: createExecFileRunner({
        env: { PATH: stubs.bin },
        maxBuffer: MAX_IOREG_ACCELERATOR_CHARS,
      }),
      clock: () => ({ monotonicMs: 5, time: 6 }),
      timeoutMs,
    });

  it('runs one ioreg per round with the argument array, and maps the GPU into a reading', async () => {
    stubs.set('ioreg', `exec ${stubs.tools.cat} ${join(here, 'ioreg_ioaccelerator_agx.txt')}`);
    const before = stubs.calls().length;
    const c = collector();
    const [gpu] = await c.collect({ signal });
    await c.collect({ signal });
    expect(stubs.calls().slice(before)).toEqual([
      `ioreg ${IOREG_ACCELERATOR_ARGS.join(' ')}`,
      `ioreg ${IOREG_ACCELERATOR_ARGS.join(' ')}`,
    ]);
    expect(gpu).toMatchObject({
      id: 'apple-gpu-0',
      vendor: 'apple',
      index: 0,
      name: 'Apple M2 Pro',
      utilizationPercent: 34,
      rendererPercent: 31,
      tilerPercent: 12,
      memoryUsedBytes: 1073741824,
      memoryAllocatedBytes: 6442450944,
      memoryTotalBytes: null,
      powerWatts: null,
      temperatureCelsius: null,
      monotonicMs: 5,
      time: 6,
    });
  });

  it('a Mac with no Apple GPU gives none, and no process after the first answer', async () => {
    stubs.set('ioreg', `exec ${stubs.tools.cat} ${join(here, 'ioreg_ioaccelerator_odd.txt')}`);
    const c = collector();
    expect((await c.collect({ signal })).map((g) => g.name)).toEqual(['AGXAcceleratorG13X']);
    stubs.set('ioreg', 'exit 0');
    const none = collector();
    expect(await none.collect({ signal })).toEqual([]);
    const before = stubs.calls().length;
    expect(await none.collect({ signal })).toEqual([]);
    expect(stubs.calls().length).toBe(before);
  });

  it('hostile ioreg: huge output, a failing exit, a hang, no ioreg: each a PerfError with a code', async () => {
    // 2 MiB of output: past the runner's 1 MiB bound, the process is killed, nothing parsed.
    stubs.set('ioreg', `i=0; while [ $i -lt 2048 ]; do printf '%01024d' 0; i=$((i+1)); done`);
    expect((await rejection(collector().collect({ signal }))).code).toBe('COMMAND_FAILED');
    stubs.set('ioreg', 'echo "ioreg: no such class" >&2; exit 2');
    const failed = await rejection(collector().collect({ signal }));
    expect([failed.code, failed.message]).toEqual([
      'COMMAND_FAILED',
      'ioreg exited with 2: ioreg: no such class',
    ]);
    stubs.set('ioreg', `exec ${stubs.tools.sleep} 30`);
    const started = performance.now();
    expect((await rejection(collector(200).collect({ signal }))).code).toBe('TIMEOUT');
    expect(performance.now() - started).toBeLessThan(2000);
    stubs.set('ioreg', 'echo "IOAccelerator: not a registry dump"');
    expect((await rejection(collector().collect({ signal }))).code).toBe('PARSE_ERROR');
    stubs.remove('ioreg');
    expect((await rejection(collector().collect({ signal }))).code).toBe('COMMAND_FAILED');
    expect((await rejection(collector().collect({ signal: AbortSignal.abort() }))).code).toBe(
      'ABORTED',
    );
  });
});
