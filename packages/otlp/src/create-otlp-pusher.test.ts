import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { MetricFamily } from '@arcbox/perf-export';
import protobuf from 'protobufjs';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpPusher } from './create-otlp-pusher.js';

// The official opentelemetry-proto files (see __fixtures__/PROVENANCE.md), read by protobufjs:
// a decoder independent of the exporter's own generated code.
const protoRoot = fileURLToPath(new URL('./__fixtures__/proto/', import.meta.url));
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => `${protoRoot}${target}`;
root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
const Request = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);
const CUMULATIVE = 2;

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number };
}
interface Point {
  attributes: KeyValue[];
  asDouble?: number;
  asInt?: string;
  startTimeUnixNano: string;
  timeUnixNano: string;
}
interface Metric {
  name: string;
  unit: string;
  sum?: { dataPoints: Point[]; aggregationTemporality: number; isMonotonic: boolean };
  gauge?: { dataPoints: Point[] };
}
interface Decoded {
  resourceMetrics: {
    resource: { attributes: KeyValue[] };
    scopeMetrics: { metrics: Metric[] }[];
  }[];
}

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

/** An OTLP/HTTP receiver answering each request with the next of `statuses` (then 200). */
async function receiver(statuses: number[] = []) {
  const received: Decoded[] = [];
  const headers: Record<string, string | string[] | undefined>[] = [];
  let answered = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 4 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const status = statuses[answered++] ?? 200;
      if (status === 200) {
        headers.push(req.headers);
        const message = Request.decode(Buffer.concat(chunks));
        received.push(
          Request.toObject(message, { longs: String, enums: Number, defaults: true }) as Decoded,
        );
      }
      res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/v1/metrics`, received, headers, count: () => answered };
}

const families = (k: number): MetricFamily[] => [
  {
    name: 'arcbox_perf_cpu_seconds',
    type: 'counter',
    unit: 'seconds',
    help: 'Seconds the CPUs spent in each mode.',
    samples: [
      { labels: { cpu: '0', mode: 'user' }, value: 10 * k },
      { labels: { cpu: '1', mode: 'user' }, value: 12 * k },
    ],
  },
  {
    name: 'arcbox_perf_memory_used_bytes',
    type: 'gauge',
    unit: 'bytes',
    help: 'Memory in use.',
    samples: [{ labels: {}, value: 2 ** 31 + k }],
  },
  {
    name: 'arcbox_perf_memory_free_bytes',
    type: 'gauge',
    unit: 'bytes',
    help: 'Memory free.',
    samples: [{ labels: {}, value: 2 ** 30 }],
  },
  {
    name: 'arcbox_perf_container_cpu_seconds',
    type: 'counter',
    unit: 'seconds',
    help: 'CPU time of the container.',
    samples: [{ labels: { id: 'abc', name: 'web' }, value: 1.5 * k }],
  },
  {
    name: 'arcbox_perf_load1',
    type: 'gauge',
    help: '1-minute load average.',
    samples: [{ labels: {}, value: 0.5 }],
  },
  {
    name: 'arcbox_perf_container',
    type: 'info',
    help: 'Container facts.',
    samples: [{ labels: { id: 'abc', name: 'web', runtime: 'docker' }, value: 1 }],
  },
];

const attrs = (list: KeyValue[]) =>
  Object.fromEntries(
    list.map((a) => [
      a.key,
      a.value.stringValue ?? Number(a.value.intValue ?? a.value.doubleValue),
    ]),
  );
const value = (p: Point) => p.asDouble ?? Number(p.asInt);

function metricsOf(d: Decoded): Map<string, Metric> {
  return new Map(
    d.resourceMetrics.flatMap((r) =>
      r.scopeMetrics.flatMap((s) => s.metrics.map((m) => [m.name, m])),
    ),
  );
}

describe('createOtlpPusher (official SDK and exporter, decoded with protobufjs over opentelemetry-proto)', () => {
  it('sends cumulative sums and gauges under the semantic conventions’ names, with the resource', async () => {
    const r = await receiver();
    const log: string[] = [];
    const pusher = createOtlpPusher(
      { url: r.url, headers: { 'x-tenant': 'a' }, intervalMs: 60_000, timeoutMs: 5000 },
      { hostName: 'web-01', hostId: '0123456789abcdef0123456789abcdef', serviceVersion: '1.2.3' },
      (l) => log.push(l),
    );
    pusher.update(families(1));
    await pusher.flush();
    pusher.update(families(2));
    await pusher.flush();
    await pusher.close();
    expect(log).toEqual([]);
    // Two flushes, and the last export the SDK makes on shutdown.
    expect(r.received).toHaveLength(3);
    expect(r.headers[0]!['x-tenant']).toBe('a');
    expect(r.headers[0]!['content-type']).toBe('application/x-protobuf');
    expect(attrs(r.received[0]!.resourceMetrics[0]!.resource.attributes)).toMatchObject({
      'service.name': 'arcbox-perf-agent',
      'host.name': 'web-01',
      'host.id': '0123456789abcdef0123456789abcdef',
      'service.version': '1.2.3',
    });
    const [first, second] = r.received.map(metricsOf);
    const cpu = second!.get('system.cpu.time')!;
    expect(cpu.unit).toBe('s');
    expect(cpu.sum).toMatchObject({ aggregationTemporality: CUMULATIVE, isMonotonic: true });
    // Cumulative: the second export carries the totals, not what changed, from the same start.
    expect(
      cpu
        .sum!.dataPoints.map((p) => [attrs(p.attributes), value(p)] as const)
        .sort((a, b) => Number(a[0]['cpu.logical_number']) - Number(b[0]['cpu.logical_number'])),
    ).toEqual([
      [{ 'cpu.mode': 'user', 'cpu.logical_number': 0 }, 20],
      [{ 'cpu.mode': 'user', 'cpu.logical_number': 1 }, 24],
    ]);
    expect(cpu.sum!.dataPoints[0]!.startTimeUnixNano).toBe(
      first!.get('system.cpu.time')!.sum!.dataPoints[0]!.startTimeUnixNano,
    );
    const memory = second!.get('system.memory.usage')!;
    expect(memory.unit).toBe('By');
    expect(memory.sum).toMatchObject({ aggregationTemporality: CUMULATIVE, isMonotonic: false });
    expect(
      Object.fromEntries(
        memory.sum!.dataPoints.map((p) => [attrs(p.attributes)['system.memory.state'], value(p)]),
      ),
    ).toEqual({ used: 2 ** 31 + 2, free: 2 ** 30 });
    const container = second!.get('container.cpu.time')!;
    expect(attrs(container.sum!.dataPoints[0]!.attributes)).toEqual({
      'container.id': 'abc',
      'container.name': 'web',
    });
    expect(value(container.sum!.dataPoints[0]!)).toBe(3);
    // No convention: our name, as a gauge.
    expect(second!.get('arcbox_perf_load1')!.gauge!.dataPoints.map(value)).toEqual([0.5]);
    const info = second!.get('arcbox_perf_container_info')!;
    expect(attrs(info.gauge!.dataPoints[0]!.attributes)).toEqual({
      id: 'abc',
      name: 'web',
      runtime: 'docker',
    });
  });

  it('retries a receiver answering 503, then delivers', async () => {
    const r = await receiver([503]);
    const log: string[] = [];
    const pusher = createOtlpPusher(
      { url: r.url, intervalMs: 60_000, timeoutMs: 10_000 },
      { hostName: 'web-01', hostId: null },
      (l) => log.push(l),
    );
    pusher.update(families(1));
    await pusher.flush();
    await pusher.close();
    // 503, its retry, then the shutdown's export.
    expect(r.count()).toBe(3);
    expect(r.received).toHaveLength(2);
    expect(metricsOf(r.received[0]!).get('system.cpu.time')).toBeDefined();
    expect(attrs(r.received[0]!.resourceMetrics[0]!.resource.attributes)).not.toHaveProperty(
      'host.id',
    );
    expect(log).toEqual([]);
    expect(pusher.stats()).toEqual({ exports: 2, failures: 0 });
  });

  it('logs an export the receiver refuses, without the URL’s secrets', async () => {
    const r = await receiver([400]);
    const log: string[] = [];
    const pusher = createOtlpPusher(
      { url: `${r.url}?token=sekret`, intervalMs: 60_000, timeoutMs: 5000 },
      { hostName: 'web-01', hostId: null },
      (l) => log.push(l),
    );
    pusher.update(families(1));
    await pusher.flush();
    await pusher.close();
    expect(log).toEqual([
      expect.stringMatching(/^OTLP export to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics failed/),
    ]);
    expect(log.join('')).not.toMatch(/sekret/);
    expect(pusher.stats()).toEqual({ exports: 2, failures: 1 });
  });
});
