import type { SourcesConfig } from '@arcbox/perf';
import type {
  CollectorStatus,
  ContainerMetrics,
  KindRegistry,
  LifecycleEvent,
  KindValues,
  ProcessMetrics,
  ProcessSort,
  SystemMetrics,
  VmMetrics,
} from '@arcbox/perf-core';
import type { AlertRule, AlertStatus } from '@arcbox/perf-history';

/** How one collector did in one sample, as the JSON documents report it. */
export interface CollectorReport {
  name: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

/**
 * One sample of every kind (as PerfSample: metrics under each kind's sample key, filesystems
 * and any other kind included) with how each collector did.
 */
export interface Sample extends KindValues {
  system: SystemMetrics | null;
  containers: ContainerMetrics[];
  vms: VmMetrics[];
  /** Lifecycle events this round saw (an OOM kill or restart counter that moved). */
  events?: LifecycleEvent[];
  collectors: CollectorReport[];
}

export interface Sampler {
  /** The kinds the monitor knows: every table, JSON key and export iterates these. */
  readonly kinds: KindRegistry;
  /** One collection round: every collector concurrently (each under its timeout), metrics by core. */
  sample(options?: { signal?: AbortSignal }): Promise<Sample>;
  /** Each collector's last outcome, as exporters publish it. */
  status(): Promise<CollectorStatus[]>;
  /** Every rule x series the alert engine has seen, in any state (empty without rules). */
  alertStates(): AlertStatus[];
  /** What building the sources looked for and did not find (a missing VM folder...). */
  notes(): Promise<string[]>;
  /** Every process now (or a container's), sorted and bounded: PerfMonitor.collectProcesses. */
  processes(query: {
    container?: string;
    sort?: ProcessSort;
    limit?: number;
    signal?: AbortSignal;
  }): Promise<ProcessMetrics[]>;
  /** Every process of the last reading (or a container's), without reading /proc again. */
  latestProcesses(query: {
    container?: string;
    sort?: ProcessSort;
    limit?: number;
  }): ProcessMetrics[];
  /** Lifecycle events (OOM kills, restarts, an engine's) since a time, oldest first. */
  recentEvents(since: number): LifecycleEvent[];
  close(): Promise<void>;
}

export interface SamplerOptions {
  sources: SourcesConfig;
  /** Sampling interval: sizes the monitor's in-memory history. */
  intervalMs: number;
  /** Alert rules to evaluate on every sample; none by default. */
  rules?: readonly AlertRule[];
}

/**
 * The CLI's view of @arcbox/perf's PerfMonitor, the one composition: it builds the platform's
 * sources from the config, runs them through core's registry and series trackers (all the
 * metric maths is core's) and evaluates alert rules with perf-history's engine. The CLI keeps
 * only ten minutes of history in memory.
 */
export async function createSampler(options: SamplerOptions): Promise<Sampler> {
  const { createMonitor } = await import('@arcbox/perf');
  const monitor = createMonitor({
    sources: options.sources,
    intervalMs: options.intervalMs,
    alerts: options.rules ? [...options.rules] : false,
    history: { sampleIntervalMs: options.intervalMs, maxAgeMs: 10 * 60_000, tiers: [] },
  });
  return {
    kinds: monitor.kinds,
    async sample(sampleOptions = {}) {
      const {
        timestamp: _t,
        errors,
        alerts: _a,
        ...values
      } = await monitor.collect(sampleOptions.signal ? { signal: sampleOptions.signal } : {});
      const status = await monitor.status();
      const collectors: CollectorReport[] = status.flatMap((s) => {
        if (!s.enabled || !s.lastOutcome) return [];
        const error = errors[s.name]?.message ?? s.lastOutcome.error;
        return [
          {
            name: s.name,
            ok: s.lastOutcome.ok,
            durationMs: s.lastOutcome.durationMs,
            ...(error ? { error } : {}),
          },
        ];
      });
      return { ...values, collectors };
    },
    status: () => monitor.status(),
    alertStates: () => monitor.alertEngine?.states() ?? [],
    notes: () => monitor.sourceNotes(),
    processes: (query) => monitor.collectProcesses(query),
    latestProcesses: (query) => monitor.latestProcesses(query),
    recentEvents: (since) => monitor.recentEvents({ since }),
    close: () => monitor.close(),
  };
}
