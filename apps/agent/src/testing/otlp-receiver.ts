// Test support: an OTLP/HTTP metrics receiver that decodes each request with protobufjs over the
// official opentelemetry-proto files (kept in @arcbox/perf-otlp's fixtures, from npm; see their
// PROVENANCE.md), independently of the exporter that encoded it.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const protoRoot = fileURLToPath(
  new URL('../../../../packages/otlp/src/__fixtures__/proto/', import.meta.url),
);

export interface OtlpKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string; doubleValue?: number };
}
export interface OtlpPoint {
  attributes: OtlpKeyValue[];
  asDouble?: number;
  asInt?: string;
  timeUnixNano: string;
}
export interface OtlpMetric {
  name: string;
  unit: string;
  sum?: { dataPoints: OtlpPoint[]; aggregationTemporality: number; isMonotonic: boolean };
  gauge?: { dataPoints: OtlpPoint[] };
}
export interface OtlpRequest {
  resourceMetrics: {
    resource: { attributes: OtlpKeyValue[] };
    scopeMetrics: { metrics: OtlpMetric[] }[];
  }[];
}

export interface OtlpReceiver {
  url: string;
  received: OtlpRequest[];
  /** Requests answered, refused ones included. */
  count(): number;
  close(): void;
}

/** Answers each request with the next of `statuses` (then 200); at most 8 MiB a request. */
export async function startOtlpReceiver(statuses: number[] = []): Promise<OtlpReceiver> {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => `${protoRoot}${target}`;
  root.loadSync('opentelemetry/proto/collector/metrics/v1/metrics_service.proto');
  const Request = root.lookupType(
    'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
  );
  const received: OtlpRequest[] = [];
  let answered = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 8 << 20) req.destroy();
      else chunks.push(c);
    });
    req.on('end', () => {
      const status = statuses[answered++] ?? 200;
      if (status === 200) {
        const message = Request.decode(Buffer.concat(chunks));
        received.push(
          Request.toObject(message, {
            longs: String,
            enums: Number,
            defaults: true,
          }) as OtlpRequest,
        );
      }
      res.writeHead(status, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/metrics`,
    received,
    count: () => answered,
    close: () => server.close(),
  };
}

/** A point's attributes as a plain object (ints as numbers). */
export const otlpAttributes = (list: OtlpKeyValue[]) =>
  Object.fromEntries(
    list.map((a) => [
      a.key,
      a.value.stringValue ?? Number(a.value.intValue ?? a.value.doubleValue),
    ]),
  );

export const otlpValue = (p: OtlpPoint) => p.asDouble ?? Number(p.asInt);

/** Every metric of a request by name. */
export const otlpMetrics = (r: OtlpRequest) =>
  new Map(
    r.resourceMetrics.flatMap((rm) =>
      rm.scopeMetrics.flatMap((s) => s.metrics.map((m) => [m.name, m] as const)),
    ),
  );
