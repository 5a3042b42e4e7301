import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecFileRunner } from './command-runner.js';
import type { DarwinOs } from './darwin-cpu.js';
import { recordDarwinReadings } from './record-darwin-readings.js';
import { replayDarwinReadings } from './replay-darwin-readings.js';
import { createStubCommands, type StubCommands } from './stub-commands.js';

describe('recordDarwinReadings', () => {
  let stubs: StubCommands;
  let dir: string;
  beforeEach(() => {
    stubs = createStubCommands();
    dir = mkdtempSync(join(tmpdir(), 'arcbox-darwin-record-'));
  });
  afterEach(() => {
    stubs.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('saves what the live sources gave, in the documented layout, and replays to the same readings', async () => {
    let ticks = 0;
    const os: DarwinOs = {
      cpus: () => {
        ticks += 250;
        return [{ times: { user: 1000 + ticks, nice: 0, sys: 400, idle: 9000 + ticks, irq: 0 } }];
      },
      loadavg: () => [0.5, 0.25, 0.125],
    };
    const live = await recordDarwinReadings({
      dir,
      count: 2,
      intervalMs: 10,
      run: createExecFileRunner({ env: { PATH: stubs.bin } }),
      os,
      timeoutMs: 20_000,
    });
    expect(JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8'))).toEqual({
      platform: 'darwin',
      readings: 2,
    });
    for (const n of ['0001', '0002']) {
      for (const f of ['vm_stat', 'sysctl', 'ioreg', 'netstat']) {
        expect(existsSync(join(dir, 'readings', n, 'commands', `${f}.txt`))).toBe(true);
      }
      expect(JSON.parse(readFileSync(join(dir, 'readings', n, 'os/loadavg.json'), 'utf8'))).toEqual(
        [0.5, 0.25, 0.125],
      );
    }
    expect(existsSync(join(dir, 'readings/0001/commands/iostat.txt'))).toBe(false);
    const stamp = JSON.parse(readFileSync(join(dir, 'readings/0002/reading.json'), 'utf8'));
    expect(stamp.time).toBe(new Date(live[1]!.time).toISOString());
    expect(readFileSync(join(dir, 'readings/0001/commands/sysctl.txt'), 'utf8')).toBe(
      'hw.ncpu: 10\nhw.memsize: 34359738368\nhw.pagesize: 16384\n',
    );

    const replayed = await replayDarwinReadings(dir);
    expect(replayed).toEqual(live);
    expect(replayed[1]!.cpu?.total.user).toBe(1.5);
  });

  it('stops between readings when aborted and leaves a valid shorter recording', async () => {
    const controller = new AbortController();
    const pending = recordDarwinReadings({
      dir,
      count: 5,
      intervalMs: 60_000,
      signal: controller.signal,
      run: createExecFileRunner({ env: { PATH: stubs.bin } }),
      timeoutMs: 20_000,
    });
    while (!existsSync(join(dir, 'recording.json'))) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    await expect(pending).rejects.toThrow();
    expect(JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8')).readings).toBe(1);
    expect(await replayDarwinReadings(dir)).toHaveLength(1);
  });
});
