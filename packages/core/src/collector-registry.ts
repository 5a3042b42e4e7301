import type { Collector, CollectorValue } from './collector.js';
import { PerfError } from './perf-error.js';
import { withTimeout } from './with-timeout.js';

/** What one collector did in one run: its value, or the error it ended with. */
export type CollectorOutcome<T> =
  | { name: string; ok: true; value: T; durationMs: number; finishedAt: number }
  | { name: string; ok: false; error: PerfError; durationMs: number; finishedAt: number };

export interface CollectorStatus {
  name: string;
  enabled: boolean;
  timeoutMs: number;
  lastOutcome: { ok: boolean; durationMs: number; finishedAt: number; error?: string } | null;
  lastSuccessAt: number | null;
}

export type CollectorSet = Record<string, Collector<unknown>>;

/** One run's outcomes by collector name; a disabled collector has no entry. */
export type RegistryRun<C extends CollectorSet> = {
  [K in keyof C]?: CollectorOutcome<CollectorValue<C[K]>>;
};

export interface CollectorRegistryOptions<C extends CollectorSet> {
  collectors: C;
  /** Default per-collector timeout (ms). */
  timeoutMs?: number;
  /** Timeouts of particular collectors. */
  timeouts?: Partial<Record<keyof C, number>>;
  /** Collectors off from the start. */
  disabled?: ReadonlyArray<keyof C>;
  /** Clock for durations; `performance.now` by default. */
  now?: () => number;
}

export interface CollectorRegistry<C extends CollectorSet> {
  readonly names: ReadonlyArray<keyof C & string>;
  enable(name: keyof C & string): void;
  disable(name: keyof C & string): void;
  isEnabled(name: keyof C & string): boolean;
  /** Runs every enabled collector concurrently, each under its own timeout. Never rejects. */
  run(options?: {
    signal?: AbortSignal;
    only?: ReadonlyArray<keyof C & string>;
  }): Promise<RegistryRun<C>>;
  status(): CollectorStatus[];
  close(): Promise<void>;
}

export const DEFAULT_COLLECTOR_TIMEOUT_MS = 5_000;

export function createCollectorRegistry<C extends CollectorSet>(
  options: CollectorRegistryOptions<C>,
): CollectorRegistry<C> {
  const now = options.now ?? (() => performance.now());
  const names = Object.keys(options.collectors) as Array<keyof C & string>;
  const disabled = new Set<string>((options.disabled ?? []) as string[]);
  const last = new Map<string, CollectorStatus['lastOutcome']>();
  const lastSuccess = new Map<string, number>();
  const timeoutOf = (name: string) =>
    (options.timeouts as Record<string, number | undefined> | undefined)?.[name] ??
    options.timeoutMs ??
    DEFAULT_COLLECTOR_TIMEOUT_MS;
  const known = (name: string) => {
    if (!(name in options.collectors)) {
      throw new PerfError(
        'INVALID_ARGUMENT',
        `unknown collector "${name}" (known: ${names.join(', ')})`,
      );
    }
  };

  async function runOne(name: string, signal?: AbortSignal): Promise<CollectorOutcome<unknown>> {
    const collector = options.collectors[name]!;
    const started = now();
    try {
      const value = await withTimeout(
        (s) => collector.collect({ signal: s }),
        timeoutOf(name),
        `collector ${name}`,
        signal,
      );
      const outcome = {
        name,
        ok: true as const,
        value,
        durationMs: now() - started,
        finishedAt: Date.now(),
      };
      lastSuccess.set(name, outcome.finishedAt);
      last.set(name, { ok: true, durationMs: outcome.durationMs, finishedAt: outcome.finishedAt });
      return outcome;
    } catch (cause) {
      const error = PerfError.from(cause, 'COLLECTOR_FAILED', `collector ${name} failed`);
      const outcome = {
        name,
        ok: false as const,
        error,
        durationMs: now() - started,
        finishedAt: Date.now(),
      };
      last.set(name, {
        ok: false,
        durationMs: outcome.durationMs,
        finishedAt: outcome.finishedAt,
        error: error.message,
      });
      return outcome;
    }
  }

  return {
    names,
    enable(name) {
      known(name);
      disabled.delete(name);
    },
    disable(name) {
      known(name);
      disabled.add(name);
    },
    isEnabled: (name) => !disabled.has(name),
    async run(runOptions = {}) {
      const chosen = names.filter(
        (n) => !disabled.has(n) && (runOptions.only === undefined || runOptions.only.includes(n)),
      );
      const outcomes = await Promise.all(chosen.map((n) => runOne(n, runOptions.signal)));
      return Object.fromEntries(outcomes.map((o) => [o.name, o])) as RegistryRun<C>;
    },
    status: () =>
      names.map((name) => ({
        name,
        enabled: !disabled.has(name),
        timeoutMs: timeoutOf(name),
        lastOutcome: last.get(name) ?? null,
        lastSuccessAt: lastSuccess.get(name) ?? null,
      })),
    async close() {
      await Promise.allSettled(Object.values(options.collectors).map((c) => c.close?.()));
    },
  };
}
