import {
  type AnyKind,
  type CollectorRegistry,
  type CollectorSet,
  type CollectorStatus,
  type ContainerMetrics,
  type ContainerReading,
  createBroadcast,
  createCollectorRegistry,
  createKindRegistry,
  createOomEventMerge,
  createSeriesTracker,
  DEFAULT_COLLECTOR_TIMEOUT_MS,
  defaultKinds,
  MAX_TIMER_MS,
  type KindDescriptor,
  type KindRegistry,
  type KindValues,
  type LifecycleEvent,
  MAX_PROCESS_LIMIT,
  PerfError,
  type ProcessMetrics,
  type ProcessSort,
  processInContainer,
  sortProcesses,
  type SeriesTracker,
  type SubscribeOptions,
  type SystemMetrics,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';
import {
  type AlertEngine,
  type AlertEvent,
  type AlertRule,
  type AlertStatus,
  createAlertEngine,
  createEventLog,
  createHistoryStore,
  type EventLog,
  defaultRulesOf,
  type HistoryConfig,
  type HistoryStore,
  type RangeQuery,
  type RangeResult,
} from '@arcbox/perf-history';
import { defaultSourcesConfig, type SourcesConfig } from './config/sources-config.js';
import type { MonitorCollectors } from './monitor-collectors.js';
import { createPlatformSources } from './sources/create-platform-sources.js';
import type { LifecycleEventSource } from './sources/platform-sources.js';

/**
 * One collection round: every kind's metrics under its sample key (`system`, `containers`,
 * `vms`, `filesystems`, ...), what failed, and the alert changes it caused.
 */
export interface PerfSample extends KindValues {
  /** Wall-clock time the round started, ms. */
  timestamp: number;
  system: SystemMetrics | null;
  containers: ContainerMetrics[];
  vms: VmMetrics[];
  /** Collectors that failed or timed out this round, by sample key. */
  errors: Partial<Record<string, PerfError>>;
  /** Alert state changes this round caused. */
  alerts: AlertEvent[];
  /** Lifecycle events this round saw (an OOM kill counter that moved, a restart). */
  events: LifecycleEvent[];
}

export interface PerfMonitorOptions {
  /** Sampling period of `start()`, and the history's sample interval. Default 1000 ms. */
  intervalMs?: number;
  /** The kinds of series; the ones arcbox-perf ships when omitted. */
  kinds?: KindRegistry;
  /**
   * Collectors to read from, by their kind's sample key. When omitted, the platform's sources
   * are built from `sources` (see `createPlatformSources`) the first time something is collected.
   */
  collectors?: MonitorCollectors;
  /** The platform's sources, validated (`resolveSources`); the defaults when omitted. */
  sources?: SourcesConfig;
  /** The platform to build sources for; this process's by default. */
  platform?: NodeJS.Platform;
  /**
   * Per-collector timeout, ms; core's default (5 s) unless given. A Docker engine's stats call can
   * take over a second: a round that runs past the interval delays the next one, never overlaps it.
   */
  timeoutMs?: number;
  /** Timeouts by sample key. */
  timeouts?: Partial<Record<string, number>>;
  /** Kinds read less often than every round, ms by sample key (the sources give filesystems 10 s). */
  intervals?: Partial<Record<string, number>>;
  /**
   * What samples, history, alerts and export keep of a kind, by sample key; the kind's own
   * `select` (processes: top 10 by CPU, memory and I/O) unless given or built from `sources`.
   */
  selections?: Partial<Record<string, (metrics: readonly never[]) => unknown[]>>;
  /** A store to keep samples in, or the config of a new in-memory one. */
  history?: HistoryStore | HistoryConfig;
  /** Alert rules: every kind's defaults unless given; `false` for none. */
  alerts?: readonly AlertRule[] | false;
  /** Called with a failed round of `start()` (collector failures are in the sample instead). */
  onError?: (error: PerfError) => void;
  /** Monotonic clock of the sampling loop, ms; `performance.now` by default. */
  now?: () => number;
}

/** Range of a history query: a series' fields over [from, to] (or the last `lastMs`), by `step`. */
export type HistoryRange = Omit<RangeQuery, 'series'>;

type Registry = CollectorRegistry<CollectorSet>;

/**
 * The front door of arcbox-perf: reads the host, its containers, VMs and filesystems (every
 * registered kind with a collector), keeps their history, evaluates alert rules, and samples on
 * a timer that never overlaps itself.
 *
 * ```ts
 * await using monitor = createMonitor({ intervalMs: 1000 });
 * monitor.start();
 * for await (const sample of monitor.samples({ signal })) console.log(sample.system?.cpuPercent);
 * ```
 */
export class PerfMonitor implements AsyncDisposable {
  /** Sampling period of `start()`, ms. */
  sampleIntervalMs: number;
  readonly kinds: KindRegistry;
  readonly history: HistoryStore;
  readonly alertEngine: AlertEngine | null;
  /** Lifecycle events kept for the history's retention period. */
  readonly eventLog: EventLog;
  private readonly eventCast = createBroadcast<LifecycleEvent>();
  // One OOM kill seen by the cgroup counter and the engine is one event (SEMANTICS.md).
  private readonly oomMerge = createOomEventMerge();
  private readonly options: PerfMonitorOptions;
  private notes: string[] = [];
  /** Intervals of kinds read less often than every round, by sample key. */
  private intervals: Partial<Record<string, number>> = {};
  private selections: Partial<Record<string, (metrics: readonly never[]) => unknown[]>> = {};
  private readonly lastRun = new Map<string, number>();
  private readonly lastMetrics = new Map<string, unknown>();
  /** A selected kind's every series of its last reading, before `select` kept the top N. */
  private readonly lastUnselected = new Map<string, readonly unknown[]>();
  private registryPromise: Promise<Registry> | null = null;
  private collectors: MonitorCollectors | null = null;
  private eventSources: LifecycleEventSource[] = [];
  private readonly trackers = new Map<AnyKind, SeriesTracker<unknown, unknown>>();
  private readonly broadcast = createBroadcast<PerfSample>();
  /** Collections run one after another: trackers and history see readings in order. */
  private queue: Promise<unknown> = Promise.resolve();
  private loop: { controller: AbortController; done: Promise<void> } | null = null;
  private closed = false;
  private overrunCount = 0;

  constructor(options: PerfMonitorOptions = {}) {
    const intervalMs = checkInterval(options.intervalMs ?? 1000);
    this.options = { ...options };
    this.sampleIntervalMs = intervalMs;
    this.kinds = options.kinds ?? createKindRegistry(defaultKinds());
    const h = options.history;
    this.history =
      h !== undefined && 'appendSample' in h
        ? h
        : createHistoryStore({ sampleIntervalMs: intervalMs, ...h, kinds: this.kinds });
    this.alertEngine =
      options.alerts === false
        ? null
        : createAlertEngine({
            rules: options.alerts ?? defaultRulesOf(this.kinds),
            kinds: this.kinds,
          });
    this.eventLog = createEventLog({ maxAgeMs: this.history.config.maxAgeMs });
    for (const kind of this.kinds.kinds)
      this.trackers.set(kind, createSeriesTracker(kind.keyOf, kind.compute));
  }

  /** Rounds of `start()` that took longer than the interval (the next began at once, never alongside). */
  get overruns(): number {
    return this.overrunCount;
  }

  /** Collects every kind concurrently (each collector under its timeout) and stores them. */
  collect(options: { signal?: AbortSignal } = {}): Promise<PerfSample> {
    return this.serial(async () => {
      const registry = await this.registry();
      const timestamp = Date.now();
      // A kind with an interval of its own (filesystems: every 10 s by default) is read when its
      // time has come; in the rounds between, the sample shows its last metrics and history and
      // alerts get nothing new of it.
      const now = performance.now();
      const due = registry.names.filter((name) => {
        const every = this.intervals[name];
        const last = this.lastRun.get(name);
        return !every || last === undefined || now - last >= every - this.sampleIntervalMs / 2;
      });
      for (const name of due) this.lastRun.set(name, now);
      const run = await registry.run({
        only: due,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      const sample: PerfSample = {
        timestamp,
        system: null,
        containers: [],
        vms: [],
        errors: {},
        alerts: [],
        events: [],
      };
      const fill = sample as unknown as Record<string, unknown>;
      // Only kinds whose collector answered go to history and alerts: a failed collector's series
      // are not ended.
      const read: Record<string, unknown> = {};
      let eventsRead = false;
      for (const kind of this.kinds.kinds) {
        const outcome = run[kind.sampleKey];
        if (!outcome) {
          const kept = this.lastMetrics.get(kind.sampleKey);
          if (kept !== undefined) fill[kind.sampleKey] = kept;
          else if (!kind.singleton && !(kind.sampleKey in fill)) fill[kind.sampleKey] = [];
          continue;
        }
        if (outcome.ok) {
          const metrics = this.keep(kind, this.compute(kind, outcome.value));
          fill[kind.sampleKey] = metrics;
          read[kind.sampleKey] = metrics;
          this.noteEvents(kind, metrics, sample.events);
          if (kind.events) eventsRead = true;
          if (this.intervals[kind.sampleKey]) this.lastMetrics.set(kind.sampleKey, metrics);
        } else {
          sample.errors[kind.sampleKey] = outcome.error;
          if (!kind.singleton) fill[kind.sampleKey] = [];
        }
      }
      if (eventsRead) this.endEventRound(sample.events);
      this.history.appendSample(read);
      sample.alerts = this.alertEngine?.evaluate(read) ?? [];
      this.broadcast.publish(sample);
      return sample;
    });
  }

  /** Every series of one kind (by descriptor or name); series missing from the reading end. */
  collectKind<R, M>(kind: KindDescriptor<R, M>, options?: { signal?: AbortSignal }): Promise<M[]>;
  collectKind(kind: string, options?: { signal?: AbortSignal }): Promise<unknown[]>;
  collectKind(which: AnyKind | string, options: { signal?: AbortSignal } = {}): Promise<unknown[]> {
    return this.serial(async () => {
      const kind = this.kinds.require(typeof which === 'string' ? which : which.name);
      const value = await this.runOne(kind.sampleKey, options.signal);
      const metrics = this.keep(kind, this.compute(kind, value));
      this.noteEvents(kind, metrics, []);
      if (kind.events) this.endEventRound([]);
      const values = { [kind.sampleKey]: metrics };
      this.history.appendSample(values);
      this.alertEngine?.evaluate(values);
      return kind.singleton ? [metrics] : (metrics as unknown[]);
    });
  }

  /** The host's metrics; rates are null on the first call (no earlier reading). */
  async collectSystem(options: { signal?: AbortSignal } = {}): Promise<SystemMetrics> {
    const [metrics] = await this.collectKind('system', options);
    return metrics as SystemMetrics;
  }

  /** Every container; containers missing from this reading end their series. */
  async collectContainers(options: { signal?: AbortSignal } = {}): Promise<ContainerMetrics[]> {
    return (await this.collectKind('container', options)) as ContainerMetrics[];
  }

  /** Every VM; VMs missing from this reading end their series. */
  async collectVms(options: { signal?: AbortSignal } = {}): Promise<VmMetrics[]> {
    return (await this.collectKind('vm', options)) as VmMetrics[];
  }

  /**
   * Every process (or those of one container, by id or id prefix; `host` for those outside any),
   * sorted by CPU, memory or I/O, at most `limit` (all by default, bounded at 10,000). The full
   * list on demand: it is not stored in history. CPU and I/O rates cover the time since the
   * previous reading of processes (null on the first one: sort by CPU then uses CPU seconds).
   */
  async collectProcesses(
    options: { container?: string; limit?: number; sort?: ProcessSort; signal?: AbortSignal } = {},
  ): Promise<ProcessMetrics[]> {
    const { container } = options;
    const ids = container === undefined ? null : await this.containerIds(container, options.signal);
    return this.serial(async () => {
      const kind = this.kinds.require('process');
      const value = await this.runOne(kind.sampleKey, options.signal);
      let all = this.compute(kind, value) as ProcessMetrics[];
      if (ids) all = all.filter((m) => ids.some((id) => processInContainer(m, id)));
      return sortProcesses(all, options.sort ?? 'cpu', options.limit ?? MAX_PROCESS_LIMIT);
    });
  }

  /** Ids of the live containers of this name among the series seen so far. */
  private containersNamed(name: string): string[] {
    return this.liveContainers()
      .filter((s) => s.name === name)
      .map((s) => s.id);
  }

  private liveContainers() {
    return this.history.series().filter((s) => s.kind === 'container' && s.goneSince === null);
  }

  /**
   * What `container` names: itself (an id, an id prefix, or `host`) and every container of that
   * name. Names come from the series seen so far; before any container was seen (a first call
   * with no round before it), the containers are read once to learn them.
   */
  private async containerIds(container: string, signal?: AbortSignal): Promise<string[]> {
    const kind = this.kinds.get('container');
    if (this.liveContainers().length === 0 && container !== '' && container !== 'host' && kind) {
      const collectors = await this.resolved();
      if (collectors.containers) await this.collectKind(kind, signal ? { signal } : {});
    }
    return [container, ...this.containersNamed(container)];
  }

  /**
   * The processes the last reading of processes found, every one of them (not only the top N
   * kept for samples and history), with that reading's rates: a container's processes without
   * reading /proc again, as `top` shows them. Empty before processes are first read.
   */
  latestProcesses(
    options: { container?: string; limit?: number; sort?: ProcessSort } = {},
  ): ProcessMetrics[] {
    const kind = this.kinds.get('process');
    let all = ((kind && this.lastUnselected.get(kind.sampleKey)) ?? []) as ProcessMetrics[];
    const { container } = options;
    if (container !== undefined) {
      // By id (or prefix), or by the name of a container seen so far.
      const ids = [container, ...this.containersNamed(container)];
      all = all.filter((m) => ids.some((id) => processInContainer(m, id)));
    }
    return sortProcesses(all, options.sort ?? 'cpu', options.limit ?? MAX_PROCESS_LIMIT);
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
      return this.storeOne(this.kinds.require('container'), reading) as ContainerMetrics;
    });
  }

  /** One VM by id; null when no source has it. */
  collectVm(id: string, options: { signal?: AbortSignal } = {}): Promise<VmMetrics | null> {
    return this.serial(async () => {
      const collector = (await this.resolved()).vms;
      if (!collector) throw noCollector('vms');
      let reading: VmReading | null;
      if (collector.collectVm) {
        reading = await collector.collectVm(id, options.signal ? { signal: options.signal } : {});
      } else {
        const all = (await this.runOne('vms', options.signal)) as VmReading[];
        reading = all.find((r) => r.id === id) ?? null;
      }
      if (!reading) return null;
      return this.storeOne(this.kinds.require('vm'), reading) as VmMetrics;
    });
  }

  /**
   * History of one series: `(kind)` for a singleton kind, `(kind, id)` for the others. A series
   * that holds nothing yet answers with no rows.
   */
  seriesHistory(kind: string, id: string | null, range: HistoryRange = {}): RangeResult {
    const k = this.kinds.require(kind);
    const series = k.singleton ? k.name : `${k.name}:${id ?? ''}`;
    return this.history.queryOrEmpty({ ...range, series });
  }

  systemHistory(range: HistoryRange = {}): RangeResult {
    return this.seriesHistory('system', null, range);
  }

  containerHistory(id: string, range: HistoryRange = {}): RangeResult {
    return this.seriesHistory('container', id, range);
  }

  vmHistory(id: string, range: HistoryRange = {}): RangeResult {
    return this.seriesHistory('vm', id, range);
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
    const events = this.followEvents(controller.signal);
    const done = this.run(controller.signal);
    this.loop = { controller, done: Promise.all([done, events]).then(() => undefined) };
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

  /**
   * Lifecycle events as they are seen (OOM kills and restarts from counters, an engine's events
   * where one is watched), until the signal aborts or `close()`.
   */
  events(options: SubscribeOptions = {}): AsyncIterable<LifecycleEvent> {
    return this.eventCast.subscribe(options);
  }

  /** Events kept since `since` (ms since the epoch), oldest first, at most `limit`. */
  recentEvents(options: { since?: number; limit?: number } = {}): LifecycleEvent[] {
    this.eventLog.sweep();
    return this.eventLog.since(options.since ?? 0, options.limit);
  }

  /**
   * Records an event from outside the rounds (an engine's `/events` subscription). An engine's
   * `oom` waits up to two rounds for the cgroup counter's `oom-kill` of the same container and
   * is published as one event with it (source `counter+engine`), or alone when none comes.
   * Returns what was published now.
   */
  publishEvent(event: LifecycleEvent): LifecycleEvent[] {
    const out = this.oomMerge.offer(event);
    for (const e of out) this.keepEvent(e);
    return out;
  }

  private keepEvent(event: LifecycleEvent): void {
    this.eventLog.append(event);
    this.eventCast.publish(event);
  }

  /** A round that read a kind with events ended: held engine `oom`s whose wait is over go out. */
  private endEventRound(into: LifecycleEvent[]): void {
    for (const e of this.oomMerge.endRound()) {
      into.push(e);
      this.keepEvent(e);
    }
  }

  /** Alerts currently pending or firing. */
  alerts(): AlertStatus[] {
    return this.alertEngine?.active() ?? [];
  }

  /**
   * Replaces the alert rules. Alerts of rules kept unchanged keep their state: a reload does
   * not re-fire what was firing.
   */
  setRules(rules: readonly AlertRule[]): void {
    this.alertEngine?.setRules(rules);
  }

  /**
   * New sources (a reloaded config): the sampling loop pauses, the old collectors close, the new
   * ones are built on the next round. Series, their previous readings (so the next rates follow
   * on, with no gap) and history stay.
   */
  async reconfigure(change: {
    sources?: SourcesConfig;
    collectors?: MonitorCollectors;
    timeouts?: Partial<Record<string, number>>;
    intervalMs?: number;
  }): Promise<void> {
    const running = this.loop !== null;
    await this.stop();
    await this.serial(async () => {
      const old = this.registryPromise;
      this.registryPromise = null;
      this.collectors = null;
      // The registry closes its collectors.
      if (old) await (await old.catch(() => null))?.close();
      if (change.sources) this.options.sources = change.sources;
      if (change.collectors) this.options.collectors = change.collectors;
      if (change.timeouts) this.options.timeouts = change.timeouts;
      if (change.intervalMs !== undefined) this.sampleIntervalMs = checkInterval(change.intervalMs);
    });
    if (running) this.start();
  }

  /** What building the sources noticed (a VM directory that is not there, no engine socket). */
  async sourceNotes(): Promise<string[]> {
    await this.registry();
    return this.notes;
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
    for (const e of this.oomMerge.drain()) this.keepEvent(e);
    this.eventCast.close();
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

  /** Runs the platform's event sources (an engine's `/events`) while the loop runs. */
  private async followEvents(signal: AbortSignal): Promise<void> {
    await this.registry().catch(() => null);
    if (signal.aborted) return;
    const publish = (event: LifecycleEvent) => this.publishEvent(event);
    await Promise.allSettled(this.eventSources.map((source) => source({ signal, publish })));
  }

  /** The events a kind's descriptor reads from this round's metrics: published and kept. */
  private noteEvents(kind: AnyKind, metrics: unknown, into: LifecycleEvent[]): void {
    if (!kind.events) return;
    const list = kind.singleton ? (metrics === null ? [] : [metrics]) : (metrics as unknown[]);
    for (const m of list) {
      for (const event of kind.events(m)) {
        for (const e of this.oomMerge.offer(event)) {
          into.push(e);
          this.keepEvent(e);
        }
      }
    }
  }

  /** A collector's value (one reading, or a list) to the kind's metrics. */
  private compute(kind: AnyKind, value: unknown): unknown {
    const tracker = this.trackers.get(kind)!;
    return kind.singleton ? tracker.updateOne(value) : tracker.update(value as unknown[]);
  }

  /** What a kind's series keep for samples, history and alerts (processes: the top N). */
  private keep(kind: AnyKind, metrics: unknown): unknown {
    if (kind.singleton) return metrics;
    const select = this.selections[kind.sampleKey] ?? kind.select;
    if (!select) return metrics;
    // Every series of the round, not only those kept: latestProcesses answers from it.
    this.lastUnselected.set(kind.sampleKey, metrics as readonly unknown[]);
    return select(metrics as never[]);
  }

  /** One series collected alone: stored, and its alerts evaluated without ending the others'. */
  private storeOne(kind: AnyKind, reading: unknown): unknown {
    const metrics = this.trackers.get(kind)!.updateOne(reading);
    this.history.appendMetrics(kind.name, metrics);
    this.alertEngine?.evaluate(
      { [kind.sampleKey]: kind.singleton ? metrics : [metrics] },
      { partial: true },
    );
    return metrics;
  }

  private async runOne(name: string, signal?: AbortSignal): Promise<unknown> {
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
        let collectors = this.options.collectors;
        let timeouts: Partial<Record<string, number>> = {};
        let intervals: Partial<Record<string, number>> = {};
        let selections: Partial<Record<string, (metrics: readonly never[]) => unknown[]>> = {};
        if (!collectors) {
          const built = await createPlatformSources(
            this.options.sources ?? defaultSourcesConfig(),
            this.options.platform ? { platform: this.options.platform } : {},
          );
          this.notes = built.notes;
          this.eventSources = built.eventSources;
          collectors = built.collectors;
          timeouts = built.timeouts;
          intervals = built.intervals;
          selections = built.selections;
        }
        this.collectors = collectors;
        this.intervals = { ...intervals, ...this.options.intervals };
        this.selections = { ...selections, ...this.options.selections };
        const set: CollectorSet = {};
        for (const kind of this.kinds.kinds) {
          const c = collectors[kind.sampleKey];
          if (c) set[kind.sampleKey] = c;
        }
        return createCollectorRegistry({
          collectors: set,
          timeoutMs: this.options.timeoutMs ?? DEFAULT_COLLECTOR_TIMEOUT_MS,
          timeouts: { ...timeouts, ...this.options.timeouts },
        });
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

function checkInterval(intervalMs: number): number {
  if (!(intervalMs > 0 && intervalMs <= MAX_TIMER_MS)) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `intervalMs must be a positive number of at most ${MAX_TIMER_MS}, got ${intervalMs}`,
      { field: 'intervalMs' },
    );
  }
  return intervalMs;
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
