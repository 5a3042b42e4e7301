// Firecracker cannot run here (no /dev/kvm): these metrics lines are CONSTRUCTED in the shape its
// metrics file documents (one JSON object per flush, per-device `block_<id>` / `net_<id>` groups
// holding counts since the previous flush). Not yet proven against a live VMM.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceProblem } from '@arcbox/perf-core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { badCountValue, badJsonCountValue } from '../test-support/bad-counts.js';
import {
  addFirecrackerMetricLines,
  createFirecrackerVmSource,
  emptyFirecrackerTotals,
  firecrackerDevices,
  parseFirecrackerBalloonStats,
} from './firecracker-source.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-fc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flush = (n: number) =>
  `${JSON.stringify({
    utc_timestamp_ms: 1700000000000 + n,
    block: { read_bytes: 999999 },
    block_rootfs: {
      read_bytes: 4096 * n,
      write_bytes: 512,
      read_count: n,
      write_count: 1,
      flush_count: 0,
    },
    net: { rx_bytes_count: 999999 },
    net_eth0: { rx_bytes_count: 100, tx_bytes_count: 50, rx_packets_count: 2, tx_packets_count: 1 },
  })}\n`;

describe('Firecracker source (constructed lines, not yet proven against a live VMM)', () => {
  it('sums per-flush deltas per device, leaves the aggregate groups out, skips bad lines', () => {
    const totals = addFirecrackerMetricLines(
      emptyFirecrackerTotals(),
      flush(1) + 'garbage\n' + flush(2),
    );
    expect(firecrackerDevices(totals)).toEqual({
      blockDevices: [
        {
          device: 'rootfs',
          readBytes: 4096 * 3,
          writeBytes: 1024,
          readOps: 3,
          writeOps: 2,
          flushOps: 0,
          readTimeNs: null,
          writeTimeNs: null,
          flushTimeNs: null,
        },
      ],
      netDevices: [
        { device: 'eth0', backend: null, rxBytes: 200, txBytes: 100, rxPackets: 4, txPackets: 2 },
      ],
    });
    expect(totals.skippedLines).toBe(1);
  });

  it('makes a field whose delta was bad null in that reading, with a problem, then counts on', () => {
    const fields = {
      read_bytes: 'readBytes',
      write_bytes: 'writeBytes',
      read_count: 'readOps',
      write_count: 'writeOps',
      flush_count: 'flushOps',
    } as const;
    const [good] = firecrackerDevices(
      addFirecrackerMetricLines(emptyFirecrackerTotals(), flush(1) + flush(2)),
    ).blockDevices;
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(fields)), badJsonCountValue, (key, bad) => {
        const line = JSON.parse(flush(2));
        line.block_rootfs[key] = bad;
        const totals = addFirecrackerMetricLines(
          emptyFirecrackerTotals(),
          `${flush(1)}${JSON.stringify(line)}\n`,
        );
        const problems: SourceProblem[] = [];
        const [rootfs] = firecrackerDevices(totals, problems).blockDevices;
        const field = fields[key as keyof typeof fields];
        expect(rootfs).toEqual({ ...good, [field]: null });
        expect(problems).toEqual([
          expect.objectContaining({
            source: 'firecracker metrics',
            code: 'PARSE_ERROR',
            message: expect.stringContaining(`block_rootfs ${key} is`),
          }),
        ]);
      }),
    );
    fc.assert(
      fc.property(badCountValue, (bad) => {
        const problems: SourceProblem[] = [];
        const stats = parseFirecrackerBalloonStats(
          { total_memory: 1000, available_memory: bad },
          problems,
        );
        expect(stats).toEqual({ total: 1000, available: null, diskCaches: null });
        expect(problems).toHaveLength(1);
      }),
    );
  });

  it('reads a bad delta as a null field for one reading, then goes on from the good deltas', async () => {
    const metricsPath = join(dir, 'bad-delta.ndjson');
    const bad = JSON.parse(flush(2));
    bad.block_rootfs.read_bytes = -4096;
    writeFileSync(metricsPath, flush(1) + `${JSON.stringify(bad)}\n`);
    const source = createFirecrackerVmSource({ id: 'fc-bad', metricsPath });
    try {
      const r1 = await source.read();
      expect(r1.blockDevices[0]!.readBytes).toBeNull();
      expect(r1.blockDevices[0]!.readOps).toBe(3);
      expect(r1.problems.map((p) => p.message)).toEqual([
        'block_rootfs read_bytes is -4096, not a non-negative integer',
      ]);
      appendFileSync(metricsPath, flush(3));
      const r2 = await source.read();
      expect(r2.blockDevices[0]!.readBytes).toBe(4096 * 4);
      expect(r2.problems).toEqual([]);
    } finally {
      source.close();
    }
  });

  it('reads the metrics file incrementally, a half-written line waits, truncation keeps the totals', async () => {
    const metricsPath = join(dir, 'metrics.ndjson');
    writeFileSync(metricsPath, flush(1));
    const source = createFirecrackerVmSource({ id: 'fc1', metricsPath });
    try {
      const r1 = await source.read();
      expect(r1.vmm).toBe('firecracker');
      expect(r1.blockDevices[0]!.readBytes).toBe(4096);
      const line = flush(2);
      appendFileSync(metricsPath, line.slice(0, 20));
      expect((await source.read()).blockDevices[0]!.readBytes).toBe(4096);
      appendFileSync(metricsPath, line.slice(20));
      expect((await source.read()).blockDevices[0]!.readBytes).toBe(4096 * 3);
      writeFileSync(metricsPath, flush(1)); // rotated: shorter than what was read
      expect((await source.read()).blockDevices[0]!.readBytes).toBe(4096 * 4);
    } finally {
      source.close();
    }
  });

  it('gives a per-VM problem when the metrics file is missing', async () => {
    const source = createFirecrackerVmSource({ id: 'gone', metricsPath: join(dir, 'nope') });
    const r = await source.read();
    expect(r.problems[0]!.code).toBe('READ_ERROR');
    expect(r.blockDevices).toEqual([]);
  });

  it('reads guest memory from balloon statistics (bytes)', async () => {
    expect(
      parseFirecrackerBalloonStats({
        target_mib: 0,
        actual_mib: 0,
        total_memory: 536870912,
        available_memory: 402653184,
      }),
    ).toEqual({ total: 536870912, available: 402653184, diskCaches: null });
    const metricsPath = join(dir, 'm2.ndjson');
    writeFileSync(metricsPath, '');
    const source = createFirecrackerVmSource(
      { id: 'fc2', metricsPath, apiSocket: '/unused' },
      { get: async () => ({ total_memory: 1000, available_memory: 400, disk_caches: 100 }) },
    );
    expect(await source.read()).toMatchObject({
      memoryTotal: 1000,
      memoryUsed: 600,
      memoryDiskCaches: 100,
      memorySource: 'balloon',
    });
    source.close();
  });
});
