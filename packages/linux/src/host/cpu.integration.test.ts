import { spawn } from 'node:child_process';
import { cpuUsage } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { liveCollector } from './integration.test-support.js';

// Burns CPU until the child itself has used `seconds` of CPU time (not wall time, so a loaded
// machine only makes it slower), then reports its own CPU time in seconds.
const burner = `
const want = Number(process.argv[1]) * 1e6;
const stop = Date.now() + 30000;
let x = 0;
for (;;) {
  for (let i = 0; i < 1e5; i++) x += Math.sqrt(i);
  const u = process.cpuUsage();
  if (u.user + u.system >= want || Date.now() > stop) break;
}
const u = process.cpuUsage();
process.stdout.write(JSON.stringify({ seconds: (u.user + u.system) / 1e6, x }));
`;

function burn(seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', burner, String(seconds)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 45_000,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`burner exited with ${code}`));
      else resolve((JSON.parse(out) as { seconds: number }).seconds);
    });
  });
}

describe('CPU ground truth (live /proc/stat)', () => {
  it('a child burning ~2 CPU-seconds shows in the system busy delta; cores sum to the total', async () => {
    const { collector, read } = liveCollector();
    try {
      const before = await read();
      const wallStart = performance.now();
      const childSeconds = await burn(2);
      const wallSeconds = (performance.now() - wallStart) / 1000;
      const after = await read();

      expect(childSeconds).toBeGreaterThanOrEqual(1.9);
      const total = cpuUsage(before.cpu!.total, after.cpu!.total)!;
      // The system saw at least the child's own CPU time (10 % for tick granularity).
      expect(total.busySeconds).toBeGreaterThanOrEqual(childSeconds * 0.9);
      // Ticks were converted with USER_HZ: all modes together advance cpuCount seconds per second.
      expect(total.totalSeconds / wallSeconds).toBeGreaterThan(after.cpuCount * 0.9);
      expect(total.totalSeconds / wallSeconds).toBeLessThan(after.cpuCount * 1.1);

      let coreBusy = 0;
      for (const core of after.cpu!.cores) {
        const was = before.cpu!.cores.find((c) => c.id === core.id);
        if (was) coreBusy += cpuUsage(was.times, core.times)?.busySeconds ?? 0;
      }
      // Same snapshot, so per-core lines add up to the aggregate line (within 2 %).
      expect(Math.abs(coreBusy - total.busySeconds)).toBeLessThanOrEqual(total.busySeconds * 0.02);
    } finally {
      collector.close();
    }
  });
});
