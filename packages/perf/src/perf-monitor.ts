import {
  type CollectorRegistry,
  type CollectorStatus,
  type ContainerMetrics,
  type ContainerReading,
  computeContainerMetrics,
  computeSystemMetrics,
  computeVmMetrics,
  createBroadcast,
  createCollectorRegistry,
  createSeriesTracker,
  DEFAULT_COLLECTOR_TIMEOUT_MS,
  PerfError,
  type SubscribeOptions,
  type SystemMetrics,
  type SystemReading,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';
import {
  type AlertEngine,
  type AlertEvent,
  type AlertRule,
  type AlertStatus,
  createAlertEngine,
  createHistoryStore,
  defaultAlertRules,
  type HistoryConfig,
  type HistoryStore,
  type RangeQuery,
  type RangeResult,
} from '@arcbox/perf-history';
import {
  loadPlatformCollectors,
  type PlatformCollectorOptions,
} from './load-platform-collectors.js';
import type { MonitorCollectors } from './monitor-collectors.js';

/** One collection round: what every collector gave, as metrics, and what failed. */
export interface PerfSample {
  /** Wall-clock time the round started, ms. */
  timestamp: number;
  system: SystemMetrics | null;
  containers: ContainerMetrics[];
  vms: VmMetrics[];
  /** Collectors that failed or timed out this round, by name. */
  errors: Partial<Record<'system' | 'containers' | 'vms', PerfError>>;
  /** Alert state changes this round caused. */
  alerts: AlertEvent[];
}

export interface PerfMonitorOptions {
  /** Sampling period of `start()`, and the history's sample interval. Default 1000 ms. */
  intervalMs?: number;
  /**
   * Collectors to read from. When omitted, the platform's own are loaded (only on their
   * platform) the first time something is collected.
   */
  collectors?: MonitorCollectors;
  /** Options of the platform collectors (ignored when `collectors` is given). */
  platform?: PlatformCollectorOptions & { name?: NodeJS.Platform };
  /**
   * Per-collector timeout, ms; core's default (5 s) unless given. A Docker engine's stats call can
   * take over a second: a round that runs past the interval delays the next one, never overlaps it.
   */
  timeoutMs?: number;
  timeouts?: Partial<Record<'system' | 'containers' | 'vms', number>>;
  /** A store to keep samples in, or the config of a new in-memory one. */
  history?: HistoryStore | HistoryConfig;
  /** Alert rules: the defaults unless given; `false` for none. */
  alerts?: readonly AlertRule[] | false;
  /** Called with a failed round of `start()` (collector failures are in the sample instead). */
  onError?: (error: PerfError) => void;
  /** Monotonic clock of the sampling loop, ms; `performance.now` by default. */
  now?: () => number;
}

/** Range of a history query: a series' fields over [from, to] (or the last `lastMs`), by `step`. */
export type HistoryRange = Omit<RangeQuery, 'series'>;

type Registry = CollectorRegistry<{
  system: MonitorCollectors['system'];
  containers?: NonNullable<MonitorCollectors['containers']>;
  vms?: NonNullable<MonitorCollectors['vms']>;
}>;

/**
 * The front door of arcbox-perf: reads the host, its containers and VMs, keeps their history,
 * evaluates alert rules, and samples on a timer that never overlaps itself.
 *
 * ```ts
 * await using monitor = createMonitor({ intervalMs: 1000 });
 * monitor.start();
 * for await (const sample of monitor.samples({ signal })) console.log(sample.system?.cpuPercent);
 * ```
 */
export class PerfMonitor implements AsyncDisposable {
  readonly sampleIntervalMs: number;
  readonly history: HistoryStore;
  readonly alertEngine: AlertEngine | null;
  private readonly options: PerfMonitorOptions;
  private registryPromise: Promise<Registry> | null = null;
  private collectors: MonitorCollectors | null = null;
  private readonly systemTracker = createSeriesTracker<SystemReading, SystemMetrics>(
    () => 'system',
    computeSystemMetrics,
  );
  private readonly containerTracker = createSeriesTracker<ContainerReading, ContainerMetrics>(
    (r) => r.id,
    computeContainerMetrics,
  );
  private readonly vmTracker = createSeriesTracker<VmReading, VmMetrics>(
    (r) => r.id,
    computeVmMetrics,
  );
  private readonly broadcast = createBroadcast<PerfSample>();
  /** Collections run one after another: trackers and history see readings in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private loop: { controller: AbortController; done: Promise<void> } | null = null;
  private closed = false;
  private overrunCount = 0;

  constructor(options: PerfMonitorOptions = {}) {
    const intervalMs = options.intervalMs ?? 1000;
    if (!(intervalMs > 0 && Number.isFinite(intervalMs))) {
      throw new PerfError(
        'INVALID_ARGUMENT',
        `intervalMs must be a positive number, got ${intervalMs}`,
        {
          field: 'intervalMs',
        },
      );
    }
    this.options = options;
    this.sampleIntervalMs = intervalMs;
    const h = options.history;
    this.history =
      h !== undefined && 'appendSample' in h
        ? h
        : createHistoryStore({ sampleIntervalMs: intervalMs, ...h });
    this.alertEngine =
      options.alerts === false
        ? null
        : createAlertEngine({ rules: options.alerts ?? defaultAlertRules });
  }

  /** Rounds of `start()` that took longer than the interval (the next began at once, never alongside). */
  get overruns(): number {
    return this.overrunCount;
  }

  /** Collects the host, containers and VMs concurrently (each under its timeout) and stores them. */
  collect(options: { signal?: AbortSignal } = {}): Promise<PerfSample> {
    return this.serial(async () => {
      const registry = await this.registry();
      const timestamp = Date.now();
      const run = await registry.run(options.signal ? { signal: options.signal } : {});
      const sample: PerfSample = {
        timestamp,
        system: null,
        containers: [],
        vms: [],
        errors: {},
        alerts: [],
      };
      const sys = run.system;
      if (sys?.ok) sample.system = this.systemMetrics(sys.value);
      else if (sys) sample.errors.system = sys.error;
      const containers = run.containers;
      if (containers?.ok) sample.containers = this.containerTracker.update(containers.value);
      else if (containers) sample.errors.containers = containers.error;
      const vms = run.vms;
      if (vms?.ok) sample.vms = this.vmTracker.update(vms.value);
      else if (vms) sample.errors.vms = vms.error;
      // A failed collector's series are not marked gone: only lists that were read are passed.
      this.history.appendSample({
        system: sample.system,
        ...(containers?.ok ? { containers: sample.containers } : {}),
        ...(vms?.ok ? { vms: sample.vms } : {}),
      });
      sample.alerts =
        this.alertEngine?.evaluate({
          system: sample.system,
          ...(containers?.ok ? { containers: sample.containers } : {}),
          ...(vms?.ok ? { vms: sample.vms } : {}),
        }) ?? [];
      this.broadcast.publish(sample);
      return sample;
    });
  }

  /** The host's metrics; rates are null on the first call (no earlier reading). */
  collectSystem(options: { signal?: AbortSignal } = {}): Promise<SystemMetrics> {
    return this.serial(async () => {
      const value = await this.runOne('system', options.signal);
      const metrics = this.systemMetrics(value as SystemReading);
      this.history.appendSystem(metrics);
      this.alertEngine?.evaluate({ system: metrics });
      return metrics;
    });
  }

  /** Every container; containers missing from this reading end their series. */
  collectContainers(options: { signal?: AbortSignal } = {}): Promise<ContainerMetrics[]> {
    return this.serial(async () => {
      const readings = (await this.runOne('containers', options.signal)) as ContainerReading[];
      const metrics = this.containerTracker.update(readings);
      this.history.appendSample({ containers: metrics });
      this.alertEngine?.evaluate({ containers: metrics });
      return metrics;
    });
  }

  /** One container by id (or id prefix, where the collector allows); null when there is none. */
  collectContainer(
    id: string,
    name?: string,
    options: { signal?: AbortSignal } = {},
  ): Promise<ContainerMetrics | null> {
    return this.serial(async () => {
      const collector = (await this.resolved()).containers;
      if (!collector) throw noCollector('containers');
      const signal = options.signal ?? new AbortController().signal;
      let reading: ContainerReading | null;
      if (collector.collectContainer) {
        reading = await collector.collectContainer(id, {
          signal,
          ...(name === undefined ? {} : { name }),
        });
      } else {
        const all = (await this.runOne('containers', options.signal)) as ContainerReading[];
        reading = all.find((r) => r.id === id) ?? all.find((r) => r.id.startsWith(id)) ?? null;
        if (reading && name !== undefined) reading = { ...reading, name };
      }
      if (!reading) return null;
      const metrics = this.containerTracker.updateOne(reading);
      this.history.appendContainer(metrics);
      return metrics;
    });
  }

  /** Every VM; VMs missing from this reading end their series. */
  collectVms(options: { signal?: AbortSignal } = {}): Promise<VmMetrics[]> {
    return this.serial(async () => {
      const readings = (await this.runOne('vms', options.signal)) as VmReading[];
      const metrics = this.vmTracker.update(readings);
      this.history.appendSample({ vms: metrics });
      this.alertEngine?.evaluate({ vms: metrics });
      return metrics;
    });
  }

  /** One VM by id; null when there is none. */
  collectVm(id: string, options: { signal?: AbortSignal } = {}): Promise<VmMetrics | null> {
    return this.serial(async () => {
      const collector = (await this.resolved()).vms;
      if (!collector) throw noCollector('vms');
      let reading: VmReading | null;
      if (collector.collectVm) {
        try {
          reading = await collector.collectVm(id, options.signal ? { signal: options.signal } : {});
        } catch (e) {
          // The QEMU collector says INVALID_ARGUMENT for an unknown VM: no such VM is no data.
          if (PerfError.isInstance(e) && e.code === 'INVALID_ARGUMENT') return null;
          throw e;
        }
      } else {
        const all = (await this.runOne('vms', options.signal)) as VmReading[];
        reading = all.find((r) => r.id === id) ?? null;
      }
      if (!reading) return null;
      const metrics = this.vmTracker.updateOne(reading);
      this.history.appendVm(metrics);
      return metrics;
    });
  }

  systemHistory(range: HistoryRange = {}): RangeResult {
    return this.history.query({ ...range, series: 'system' });
  }

  containerHistory(id: string, range: HistoryRange = {}): RangeResult {
    return this.history.query({ ...range, series: `container:${id}` });
  }

  vmHistory(id: string, range: HistoryRange = {}): RangeResult {
    return this.history.query({ ...range, series: `vm:${id}` });
  }

  clearHistory(): void {
    this.history.clear();
  }

  /**
   * Samples every `intervalMs` until `stop()`, `close()` or the signal aborts. A round that runs
   * long delays the next one (counted in `overruns`); two rounds never run at once.
   */
  start(options: { signal?: AbortSignal } = {}): void {
    if (this.closed) throw new PerfError('INVALID_ARGUMENT', 'the monitor is closed');
    if (this.loop) return;
    const controller = new AbortController();
    options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
    if (options.signal?.aborted) controller.abort();
    this.loop = { controller, done: this.run(controller.signal) };
  }

  /** Stops the sampling loop, waiting for a round in progress. */
  async stop(): Promise<void> {
    const loop = this.loop;
    if (!loop) return;
    loop.controller.abort();
    await loop.done;
    this.loop = null;
  }

  get running(): boolean {
    return this.loop !== null;
  }

  /** Every sample from now on (from `start()` or `collect()`), until the signal aborts or `close()`. */
  samples(options: SubscribeOptions = {}): AsyncIterable<PerfSample> {
    return this.broadcast.subscribe(options);
  }

  /** Alerts currently pending or firing. */
  alerts(): AlertStatus[] {
    return this.alertEngine?.active() ?? [];
  }

  /** Alert state changes as they happen. */
  alertEvents(options: SubscribeOptions = {}): AsyncIterable<AlertEvent> {
    if (!this.alertEngine) return { [Symbol.asyncIterator]: async function* () {} };
    return this.alertEngine.events(options);
  }

  onAlert(listener: (event: AlertEvent) => void): () => void {
    return this.alertEngine?.on(listener) ?? (() => undefined);
  }

  /** Each collector's enabled state, timeout, last duration and outcome. */
  async status(): Promise<CollectorStatus[]> {
    return (await this.registry()).status();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stop();
    await this.queue.catch(() => undefined);
    if (this.registryPromise) await (await this.registryPromise.catch(() => null))?.close();
    this.broadcast.close();
    this.alertEngine?.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const now = this.options.now ?? (() => performance.now());
    let next = now();
    while (!signal.aborted) {
      try {
        await this.collect({ signal });
      } catch (cause) {
        if (signal.aborted) break;
        this.options.onError?.(PerfError.from(cause, 'COLLECTOR_FAILED', 'sampling round failed'));
      }
      next += this.sampleIntervalMs;
      const at = now();
      if (at > next) {
        // Ran past its slot: start the next round now and drop the missed ticks.
        this.overrunCount += 1;
        next = at;
      }
      await sleep(next - at, signal);
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      if (this.closed && !this.loop)
        throw new PerfError('INVALID_ARGUMENT', 'the monitor is closed');
      return task();
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  private systemMetrics(reading: SystemReading): SystemMetrics {
    return this.systemTracker.updateOne(reading);
  }

  private async runOne(
    name: 'system' | 'containers' | 'vms',
    signal?: AbortSignal,
  ): Promise<unknown> {
    const registry = await this.registry();
    if (!registry.names.includes(name)) throw noCollector(name);
    const run = await registry.run({ only: [name], ...(signal ? { signal } : {}) });
    const outcome = run[name];
    if (!outcome) throw new PerfError('INVALID_ARGUMENT', `collector ${name} is disabled`);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private async resolved(): Promise<MonitorCollectors> {
    await this.registry();
    return this.collectors!;
  }

  /** The registry of the injected collectors, or of the platform's, loaded on first use. */
  private registry(): Promise<Registry> {
    if (!this.registryPromise) {
      this.registryPromise = (async () => {
        const { name, ...platformOptions } = this.options.platform ?? {};
        const collectors =
          this.options.collectors ??
          (await loadPlatformCollectors(name ?? process.platform, platformOptions));
        this.collectors = collectors;
        const set = {
          system: collectors.system,
          ...(collectors.containers ? { containers: collectors.containers } : {}),
          ...(collectors.vms ? { vms: collectors.vms } : {}),
        };
        return createCollectorRegistry({
          collectors: set,
          timeoutMs: this.options.timeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS,
          ...(this.options.timeouts ? { timeouts: this.options.timeouts } : {}),
        }) as Registry;
      })();
      // A failed platform load is retried on the next call.
      this.registryPromise.catch(() => {
        this.registryPromise = null;
      });
    }
    return this.registryPromise;
  }
}

/** Same as `new PerfMonitor(options)`. */
export function createMonitor(options: PerfMonitorOptions = {}): PerfMonitor {
  return new PerfMonitor(options);
}

function noCollector(name: string): PerfError {
  return new PerfError('INVALID_ARGUMENT', `this monitor has no ${name} collector`, {
    field: name,
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
