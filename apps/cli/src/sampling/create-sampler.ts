import type { AlertRule, AlertStatus } from '@arcbox/perf-history';
import type { MonitorCollectors } from '@arcbox/perf';
import type {
  CollectorStatus,
  ContainerMetrics,
  SystemMetrics,
  VmMetrics,
} from '@arcbox/perf-core';

/** How one collector did in one sample, as the JSON documents report it. */
export interface CollectorReport {
  name: string;
  ok: boolean;
  durationMs: number;
  error?: string;
}

/** One sample of everything: metrics over the interval since the previous sample. */
export interface Sample {
  system: SystemMetrics | null;
  containers: ContainerMetrics[];
  vms: VmMetrics[];
  collectors: CollectorReport[];
}

export interface Sampler {
  /** One collection round: every collector concurrently (each under its timeout), metrics by core. */
  sample(options?: { signal?: AbortSignal }): Promise<Sample>;
  /** Each collector's last outcome, as exporters publish it. */
  status(): Promise<CollectorStatus[]>;
  /** Every rule x series the alert engine has seen, in any state (empty without rules). */
  alertStates(): AlertStatus[];
  close(): Promise<void>;
}

export interface SamplerOptions {
  /** Sampling interval: sizes the monitor's in-memory history. */
  intervalMs: number;
  /** Alert rules to evaluate on every sample; none by default. */
  rules?: readonly AlertRule[];
}

/**
 * The CLI's view of @arcbox/perf's PerfMonitor, the library's front door: it runs the collectors
 * through core's registry and series trackers (all the metric maths is core's) and evaluates
 * alert rules with perf-history's engine. The CLI keeps only ten minutes of history in memory.
 */
export async function createSampler(
  collectors: MonitorCollectors,
  options: SamplerOptions,
): Promise<Sampler> {
  const { createMonitor } = await import('@arcbox/perf');
  const monitor = createMonitor({
    collectors,
    intervalMs: options.intervalMs,
    alerts: options.rules ? [...options.rules] : false,
    history: { sampleIntervalMs: options.intervalMs, maxAgeMs: 10 * 60_000, tiers: [] },
  });
  return {
    async sample(sampleOptions = {}) {
      const round = await monitor.collect(
        sampleOptions.signal ? { signal: sampleOptions.signal } : {},
      );
      const status = await monitor.status();
      const collectorsReport: CollectorReport[] = status.flatMap((s) => {
        if (!s.enabled || !s.lastOutcome) return [];
        const error = round.errors[s.name as keyof typeof round.errors];
        return [
          {
            name: s.name,
            ok: s.lastOutcome.ok,
            durationMs: s.lastOutcome.durationMs,
            ...(error
              ? { error: error.message }
              : s.lastOutcome.error
                ? { error: s.lastOutcome.error }
                : {}),
          },
        ];
      });
      return {
        system: round.system,
        containers: round.containers,
        vms: round.vms,
        collectors: collectorsReport,
      };
    },
    status: () => monitor.status(),
    alertStates: () => monitor.alertEngine?.states() ?? [],
    close: () => monitor.close(),
  };
}
