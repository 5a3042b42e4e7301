import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CpuTimes, SystemReading } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { liveCollector } from './integration.test-support.js';

const BINARY = '/usr/bin/prometheus-node-exporter';
const hasNodeExporter = (() => {
  try {
    accessSync(BINARY);
    return true;
  } catch {
    return false;
  }
})();

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Enough of the Prometheus text format for node_exporter's output (no escapes in our labels). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startNodeExporter(port: number): Promise<ChildProcess> {
  const child = spawn(
    BINARY,
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.meminfo',
      '--collector.diskstats',
      '--collector.netdev',
    ],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`node_exporter exited with ${child.exitCode}`);
    // The landing page, not /metrics, so the first scrape is the one compared.
    const ok = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return child;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error('node_exporter did not start');
}

/**
 * `value` (node_exporter's, read between our two readings) must lie between ours before and
 * after, give or take `slack`: counters only grow, so this is exact up to that slack.
 */
function expectBetween(value: number, low: number, high: number, slack: number, what: string) {
  expect(value, `${what}: ${value} not in [${low}, ${high}] ± ${slack}`).toBeGreaterThanOrEqual(
    low - slack,
  );
  expect(value, `${what}: ${value} not in [${low}, ${high}] ± ${slack}`).toBeLessThanOrEqual(
    high + slack,
  );
}

const modes = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

describe('node_exporter as a peer', () => {
  it.skipIf(!hasNodeExporter)(
    `agrees on CPU seconds, memory, disk and network bytes (needs Debian prometheus-node-exporter at ${BINARY})`,
    async () => {
      const port = await freePort();
      const exporter = await startNodeExporter(port);
      const { collector, read } = liveCollector();
      try {
        // Ours just before and just after the scrape bracket node_exporter's counters.
        const before = await read();
        const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        const after = await read();
        const samples = parseExposition(text);
        const pick = (name: string, labels: Record<string, string> = {}) =>
          samples.filter(
            (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
          );

        // CPU: per mode, summed over CPUs. Tolerance: 0.05 CPU-s + 0.1 % of the value, for
        // node_exporter's guard against idle/iowait going backwards (it keeps the older value).
        for (const mode of modes) {
          const theirs = pick('node_cpu_seconds_total', { mode }).reduce((a, s) => a + s.value, 0);
          const key = mode as keyof CpuTimes;
          const sum = (r: SystemReading) => r.cpu!.cores.reduce((a, c) => a + c.times[key], 0);
          expectBetween(theirs, sum(before), sum(after), 0.05 + theirs * 0.001, `cpu ${mode}`);
        }
        expect(pick('node_cpu_seconds_total', { mode: 'idle' })).toHaveLength(after.cpuCount);

        // Memory: MemTotal exact; MemAvailable within 2 % (a gauge that moves between reads).
        expect(pick('node_memory_MemTotal_bytes')[0]?.value).toBe(after.memory!.total);
        const available = pick('node_memory_MemAvailable_bytes')[0]!.value;
        expect(Math.abs(available - after.memory!.available)).toBeLessThanOrEqual(
          after.memory!.total * 0.02,
        );

        // Disks: node_exporter's devices (it leaves out partitions, loop, ram) exactly bracketed.
        const readBytes = pick('node_disk_read_bytes_total');
        expect(readBytes.length).toBeGreaterThan(0);
        for (const s of readBytes) {
          const device = s.labels.device!;
          const b = before.disks!.find((d) => d.name === device);
          const a = after.disks!.find((d) => d.name === device);
          expect(a, `our reading lacks disk ${device}`).toBeDefined();
          if (!b || !a) continue;
          expectBetween(s.value, b.readBytes!, a.readBytes!, 0, `${device} read bytes`);
          const written = pick('node_disk_written_bytes_total', { device })[0]!.value;
          expectBetween(written, b.writeBytes!, a.writeBytes!, 0, `${device} written bytes`);
        }

        // Interfaces: received and transmitted bytes bracketed exactly. Interfaces that other
        // tests create or delete meanwhile (present in only one reading) are left out.
        const received = pick('node_network_receive_bytes_total');
        expect(received.length).toBeGreaterThan(0);
        let compared = 0;
        for (const s of received) {
          const device = s.labels.device!;
          const b = before.interfaces!.find((i) => i.name === device);
          const a = after.interfaces!.find((i) => i.name === device);
          if (!b || !a || a.rxBytes < b.rxBytes) continue;
          compared += 1;
          expectBetween(s.value, b.rxBytes, a.rxBytes, 0, `${device} receive bytes`);
          const sent = pick('node_network_transmit_bytes_total', { device })[0]!.value;
          expectBetween(sent, b.txBytes, a.txBytes, 0, `${device} transmit bytes`);
        }
        expect(compared).toBeGreaterThan(0);
      } finally {
        collector.close();
        const running = () => exporter.exitCode === null && exporter.signalCode === null;
        if (exporter.pid !== undefined && running()) {
          const exited = new Promise((resolve) => exporter.once('exit', resolve));
          process.kill(exporter.pid, 'SIGTERM');
          await Promise.race([exited, sleep(5000)]);
          if (running()) process.kill(exporter.pid, 'SIGKILL');
        }
      }
    },
  );
});
