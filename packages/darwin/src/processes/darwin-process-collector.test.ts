import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSeriesTracker, processKind } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import type { CommandRunner } from '../command-runner.js';
import { createDarwinProcessCollector } from './darwin-process-collector.js';
import { darwinPsArgs } from './parse-ps.js';

const fixture = readFileSync(
  join(import.meta.dirname, '__fixtures__', 'ps_constructed.txt'),
  'utf8',
);
const signal = new AbortController().signal;

function runner(outputs: string[], exitCode = 0) {
  const calls: Array<{ command: string; args: readonly string[] }> = [];
  const run: CommandRunner = {
    async run(command, args) {
      calls.push({ command, args });
      return { stdout: outputs.shift() ?? '', stderr: exitCode ? 'ps: boom' : '', exitCode };
    },
  };
  return { run, calls };
}

describe('darwin process collector', () => {
  it('runs ONE ps per round with a fixed argument array; rates come from core', async () => {
    const later = fixture.replace('123:45.67', '123:46.67');
    const { run, calls } = runner([fixture, later]);
    let ms = 0;
    const c = createDarwinProcessCollector({
      run,
      hostCpuCount: 8,
      clock: () => {
        ms += 2000;
        return { monotonicMs: ms, time: ms };
      },
    });
    const tracker = createSeriesTracker(processKind.keyOf, processKind.compute);
    const first = tracker.update(await c.collect({ signal }));
    const second = tracker.update(await c.collect({ signal }));
    expect(calls).toEqual([
      { command: 'ps', args: darwinPsArgs },
      { command: 'ps', args: darwinPsArgs },
    ]);
    expect(first.find((m) => m.pid === 412)?.cpuPercent).toBeNull();
    const chrome = second.find((m) => m.pid === 412)!;
    // One more CPU second over 2 s: half a core.
    expect(chrome.cpuPercent).toBeCloseTo(50);
    expect(chrome.comm).toBe('Google Chrome');
    // utime splits the total: 6000 s user of 7426.67 s (the second reading).
    expect(chrome.cpuUserSeconds).toBe(6000);
    expect(chrome.cpuSystemSeconds).toBeCloseTo(1426.67);
    expect(chrome).toMatchObject({
      ioReadBytes: null,
      ioWriteBytes: null,
      swapBytes: null,
      threads: null,
      container: null,
    });
  });

  it('a failing ps is a COMMAND_FAILED', async () => {
    const c = createDarwinProcessCollector({ run: runner([''], 1).run });
    await expect(c.collect({ signal })).rejects.toMatchObject({ code: 'COMMAND_FAILED' });
  });
});
