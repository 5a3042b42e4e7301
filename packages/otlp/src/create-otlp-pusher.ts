import type {
  Attributes,
  Observable,
  ObservableCallback,
  ObservableResult,
} from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { type MetricFamily, sampleName } from '@arcbox/perf-export';
import { type OtelName, otelNameOf } from './otel-names.js';

export interface OtlpTarget {
  /** The OTLP/HTTP metrics endpoint: `http://collector:4318/v1/metrics`. */
  url: string;
  headers?: Readonly<Record<string, string>>;
  /** How often the latest round is exported. */
  intervalMs: number;
  /** Per export (a retried export included); at most `intervalMs`. */
  timeoutMs: number;
}

export interface OtlpResource {
  hostName: string;
  /** `/etc/machine-id` or the like; left out when null. */
  hostId: string | null;
  serviceVersion?: string;
}

export interface OtlpPusher {
  /** The latest round's families; each export reports the newest given. */
  update(families: readonly MetricFamily[]): void;
  /** Exports now (waits for the receiver or the timeout). */
  flush(): Promise<void>;
  stats(): { exports: number; failures: number };
  close(): Promise<void>;
}

const SCOPE = '@arcbox/perf-otlp';

/**
 * Pushes the agent's series over OTLP/HTTP protobuf through the official OpenTelemetry JS SDK
 * (`MeterProvider`, a `PeriodicExportingMetricReader` and `OTLPMetricExporter`), cumulative
 * temporality: counters become monotonic sums, gauges gauges, names the semantic conventions'
 * where one exists (`OTEL_NAMES`). Instruments are asynchronous: an export observes the newest
 * round `update` gave, so the SDK keeps no history of its own. The exporter retries 429, 502,
 * 503 and 504 with backoff within `timeoutMs`; an export that still fails is logged (one line)
 * and the next one sends the then-current values (cumulative sums lose nothing).
 * The SDK's global diagnostics and providers are not touched.
 */
export function createOtlpPusher(
  target: OtlpTarget,
  resource: OtlpResource,
  log: (line: string) => void,
): OtlpPusher {
  const stats = { exports: 0, failures: 0 };
  const otlp = new OTLPMetricExporter({
    url: target.url,
    headers: { ...target.headers },
    timeoutMillis: target.timeoutMs,
    temporalityPreference: AggregationTemporality.CUMULATIVE,
  });
  const host = redact(target.url);
  // The SDK reports a failed export to its global error handler; this says it in our log.
  const exporter: PushMetricExporter = {
    export(metrics: ResourceMetrics, done) {
      otlp.export(metrics, (result) => {
        stats.exports += 1;
        if (result.code !== 0) {
          stats.failures += 1;
          log(`OTLP export to ${host} failed: ${result.error?.message ?? 'unknown error'}`);
        }
        done(result);
      });
    },
    forceFlush: () => otlp.forceFlush(),
    shutdown: () => otlp.shutdown(),
    selectAggregationTemporality: (type) => otlp.selectAggregationTemporality(type),
  };
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: target.intervalMs,
    // The SDK wants an export over before the next one starts.
    exportTimeoutMillis: Math.min(target.timeoutMs, target.intervalMs),
  });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': 'arcbox-perf-agent',
      'host.name': resource.hostName,
      ...(resource.hostId ? { 'host.id': resource.hostId } : {}),
      ...(resource.serviceVersion ? { 'service.version': resource.serviceVersion } : {}),
    }),
    readers: [reader],
  });
  const meter = provider.getMeter(SCOPE);

  let latest: readonly MetricFamily[] = [];
  // Per OpenTelemetry metric: its instrument and the families that report into it.
  const instruments = new Map<string, { spec: OtelName; sources: Set<string> }>();
  const routes = new Map<string, OtelName>();
  let observations: Map<string, { value: number; attributes: Attributes }[]> | null = null;

  /** Every sample of the latest round under its OpenTelemetry name, once per export. */
  function observe(name: string, result: ObservableResult) {
    if (observations === null) {
      observations = new Map();
      for (const family of latest) {
        const spec = routes.get(sampleName(family));
        if (!spec) continue;
        let list = observations.get(spec.name);
        if (!list) {
          list = [];
          observations.set(spec.name, list);
        }
        for (const s of family.samples)
          list.push({ value: s.value, attributes: spec.attributes(s.labels) });
      }
      // Computed once for all instruments of one collection.
      queueMicrotask(() => {
        observations = null;
      });
    }
    for (const o of observations.get(name) ?? []) result.observe(o.value, o.attributes);
  }

  function instrumentFor(spec: OtelName): Observable {
    const options = { description: spec.description, unit: spec.unit };
    if (spec.instrument === 'counter') return meter.createObservableCounter(spec.name, options);
    if (spec.instrument === 'updowncounter')
      return meter.createObservableUpDownCounter(spec.name, options);
    return meter.createObservableGauge(spec.name, options);
  }

  return {
    update(families) {
      latest = families;
      for (const family of families) {
        const name = sampleName(family);
        if (routes.has(name)) continue;
        const spec = otelNameOf(family, name);
        routes.set(name, spec);
        const known = instruments.get(spec.name);
        if (known) {
          known.sources.add(name);
          continue;
        }
        instruments.set(spec.name, { spec, sources: new Set([name]) });
        const callback: ObservableCallback = (result) => observe(spec.name, result);
        instrumentFor(spec).addCallback(callback);
      }
    },
    async flush() {
      await reader.forceFlush({ timeoutMillis: target.timeoutMs });
    },
    stats: () => ({ ...stats }),
    async close() {
      await provider.shutdown({ timeoutMillis: target.timeoutMs }).catch((error: unknown) => {
        log(`OTLP exporter to ${host} did not shut down cleanly: ${(error as Error).message}`);
      });
    },
  };
}

/** A URL without user info or query (they may carry secrets). */
function redact(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
