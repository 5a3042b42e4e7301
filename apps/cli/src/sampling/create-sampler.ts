import {
  type Collector,
  type CollectorStatus,
  type ContainerMetrics,
  type ContainerReading,
  computeContainerMetrics,
  computeSystemMetrics,
  computeVmMetrics,
  createCollectorRegistry,
  createSeriesTracker,
  type SystemMetrics,
  type SystemReading,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';

/** The collectors a CLI command samples; any of them may be absent on this host. */
export interface SamplerCollectors {
  system?: Collector<SystemReading>;
  containers?: Collector<ContainerReading[]>[];
  vms?: Collector<VmReading[]>[];
}

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
  /** Reads every collector concurrently (each under its timeout) and computes metrics in core. */
  sample(options?: { signal?: AbortSignal }): Promise<Sample>;
  /** Each collector's last outcome, as exporters publish it. */
  status(): CollectorStatus[];
  close(): Promise<void>;
}

export interface SamplerOptions {
  timeoutMs?: number;
}

/**
 * Composes collectors with perf-core's registry and series trackers. No metric maths here:
 * every number comes from core's compute functions.
 */
export function createSampler(
  collectors: SamplerCollectors,
  options: SamplerOptions = {},
): Sampler {
  const set: Record<string, Collector<unknown>> = {};
  if (collectors.system) set[collectors.system.name] = collectors.system;
  const containerNames = (collectors.containers ?? []).map((c) => c.name);
  const vmNames = (collectors.vms ?? []).map((c) => c.name);
  for (const c of collectors.containers ?? []) set[c.name] = c;
  for (const c of collectors.vms ?? []) set[c.name] = c;
  const registry = createCollectorRegistry({
    collectors: set,
    timeoutMs: options.timeoutMs ?? 5_000,
  });

  let previousSystem: SystemReading | null = null;
  const containerSeries = createSeriesTracker<ContainerReading, ContainerMetrics>(
    (r) => `${r.source}:${r.id}`,
    computeContainerMetrics,
  );
  const vmSeries = createSeriesTracker<VmReading, VmMetrics>(
    (r) => `${r.vmm}:${r.id}`,
    computeVmMetrics,
  );

  return {
    async sample(sampleOptions = {}) {
      const run = await registry.run(sampleOptions.signal ? { signal: sampleOptions.signal } : {});
      const reports: CollectorReport[] = [];
      for (const o of Object.values(run)) {
        if (!o) continue;
        reports.push(
          o.ok
            ? { name: o.name, ok: true, durationMs: o.durationMs }
            : { name: o.name, ok: false, durationMs: o.durationMs, error: o.error.message },
        );
      }

      let system: SystemMetrics | null = null;
      const systemName = collectors.system?.name;
      const systemOutcome = systemName ? run[systemName] : undefined;
      if (systemOutcome?.ok) {
        const reading = systemOutcome.value as SystemReading;
        system = computeSystemMetrics(previousSystem, reading);
        previousSystem = reading;
      }

      const gather = <R>(names: string[]): R[] | null => {
        const found: R[] = [];
        let any = false;
        for (const name of names) {
          const outcome = run[name];
          if (outcome?.ok) {
            any = true;
            found.push(...(outcome.value as R[]));
          }
        }
        return any || names.length === 0 ? found : null;
      };
      // A failed collector keeps its series' baselines: forgetting them would null every rate
      // on the next good sample.
      const containerReadings = gather<ContainerReading>(containerNames);
      const containers = containerReadings ? containerSeries.update(containerReadings) : [];
      const vmReadings = gather<VmReading>(vmNames);
      const vms = vmReadings ? vmSeries.update(vmReadings) : [];
      return { system, containers, vms, collectors: reports };
    },
    status: () => registry.status(),
    close: () => registry.close(),
  };
}
