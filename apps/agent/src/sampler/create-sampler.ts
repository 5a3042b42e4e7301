import {
  type Collector,
  type ContainerMetrics,
  type ContainerReading,
  computeContainerMetrics,
  computeSystemMetrics,
  computeVmMetrics,
  createCollectorRegistry,
  createSeriesTracker,
  type SystemReading,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';
import type { AgentSample } from './agent-sample.js';

export interface AgentCollectors {
  system?: Collector<SystemReading>;
  containers?: Collector<ContainerReading[]>;
  vms?: Collector<VmReading[]>;
}

export interface SamplerOptions {
  collectors: AgentCollectors;
  intervalMs: number;
  timeouts?: Partial<Record<keyof AgentCollectors, number>>;
  /** Called after each round; errors thrown here are reported through `onError`, never stop sampling. */
  onSample?: (sample: AgentSample) => void;
  onError?: (error: unknown) => void;
}

export interface Sampler {
  readonly intervalMs: number;
  /** Starts the timer; the first round runs at once. Rounds never overlap. */
  start(): void;
  /** Runs one round now (also used before `start` to warm up the rates). */
  sampleOnce(signal?: AbortSignal): Promise<AgentSample>;
  latest(): AgentSample | null;
  /** Rounds completed since start. */
  rounds(): number;
  stop(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The agent's sampling loop: every collector runs concurrently under its own timeout (core's
 * registry), readings become metrics in core, and the next round is scheduled from the start
 * of this one so the interval does not drift by the time a round takes.
 */
export function createSampler(options: SamplerOptions): Sampler {
  const collectors = Object.fromEntries(
    Object.entries(options.collectors).filter(([, c]) => c !== undefined),
  ) as Record<string, Collector<unknown>>;
  const registry = createCollectorRegistry({
    collectors,
    timeouts: options.timeouts as Record<string, number> | undefined,
  });
  let previousSystem: SystemReading | null = null;
  const containers = createSeriesTracker<ContainerReading, ContainerMetrics>(
    (r) => r.id,
    computeContainerMetrics,
  );
  const vms = createSeriesTracker<VmReading, VmMetrics>((r) => r.id, computeVmMetrics);
  let latest: AgentSample | null = null;
  let rounds = 0;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<AgentSample> | null = null;
  let started = false;
  let stopped = false;
  const controller = new AbortController();

  async function round(signal?: AbortSignal): Promise<AgentSample> {
    const time = Date.now();
    const run = await registry.run(signal ? { signal } : {});
    const sample: AgentSample = {
      time,
      system: null,
      containers: [],
      vms: [],
      collectors: registry.status(),
    };
    const sys = run.system;
    if (sys?.ok) {
      const reading = sys.value as SystemReading;
      sample.system = computeSystemMetrics(previousSystem, reading);
      previousSystem = reading;
    }
    // A failed source keeps its series' previous readings, so its rates resume on the next round.
    const c = run.containers;
    if (c?.ok) sample.containers = containers.update(c.value as ContainerReading[]);
    const v = run.vms;
    if (v?.ok) sample.vms = vms.update(v.value as VmReading[]);
    latest = sample;
    rounds += 1;
    try {
      options.onSample?.(sample);
    } catch (error) {
      options.onError?.(error);
    }
    return sample;
  }

  function sampleOnce(signal?: AbortSignal): Promise<AgentSample> {
    // Overlapping calls share the round in flight instead of reading twice.
    if (running) return running;
    running = round(signal).finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(startedAt: number) {
    if (stopped) return;
    const wait = Math.max(0, startedAt + options.intervalMs - performance.now());
    timer = setTimeout(tick, wait);
  }

  function tick() {
    const startedAt = performance.now();
    sampleOnce(controller.signal)
      .catch((error) => options.onError?.(error))
      .finally(() => schedule(startedAt));
  }

  async function stop() {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
    controller.abort();
    await running?.catch(() => undefined);
  }

  return {
    intervalMs: options.intervalMs,
    start() {
      if (started || stopped) return;
      started = true;
      tick();
    },
    sampleOnce,
    latest: () => latest,
    rounds: () => rounds,
    stop,
    async close() {
      await stop();
      await registry.close();
    },
  };
}
