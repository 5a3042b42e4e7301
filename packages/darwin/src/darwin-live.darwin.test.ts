import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { computeSystemMetrics } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { type CommandRunner, createExecFileRunner } from './command-runner.js';
import { createDarwinSystemCollector } from './darwin-system-collector.js';

// Runs on macOS only (see vitest.config.ts): the GitHub Actions macos-latest job.
describe('darwin collector on this Mac', () => {
  it('reads sane values with at most 4 processes per reading', async () => {
    const calls: string[] = [];
    const real = createExecFileRunner();
    const counting: CommandRunner = {
      run: (command, args, options) => {
        calls.push(command);
        return real.run(command, args, options);
      },
    };
    const collector = createDarwinSystemCollector({ run: counting });
    const signal = new AbortController().signal;
    const a = await collector.collect({ signal });
    expect(calls.length).toBeLessThanOrEqual(4);
    await sleep(1000);
    const b = await collector.collect({ signal });
    expect(calls.length).toBeLessThanOrEqual(8);
    expect(b.problems).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ code: 'PARSE_ERROR' })]),
    );

    const memsize = Number(
      execFileSync('sysctl', ['-n', 'hw.memsize'], { encoding: 'utf8' }).trim(),
    );
    const m = computeSystemMetrics(a, b);
    expect(m.memoryTotal).toBe(memsize);
    expect(m.memoryUsed).toBeGreaterThan(0);
    expect(m.memoryUsed!).toBeLessThanOrEqual(memsize);
    expect(m.memoryAvailable!).toBeGreaterThanOrEqual(0);
    expect(m.cpuCount).toBeGreaterThan(0);
    expect(m.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(m.cpuPercent!).toBeLessThanOrEqual(100);
    expect(b.disks?.length).toBeGreaterThan(0);
    expect(b.interfaces?.some((i) => i.name === 'lo0' && i.loopback)).toBe(true);
    for (const rate of [m.netRxBps, m.netTxBps, m.diskReadBps, m.diskWriteBps, m.diskTotalBps]) {
      if (rate !== null) expect(rate).toBeGreaterThanOrEqual(0);
    }
    for (const i of m.interfaces)
      for (const r of [i.rxBps, i.txBps]) if (r !== null) expect(r).toBeGreaterThanOrEqual(0);
    expect(m.load1).toBeGreaterThanOrEqual(0);
  });
});
