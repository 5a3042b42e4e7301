import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryEvent, HistoryStore, SeriesKind } from '@arcbox/perf-history';

export interface HistoryJournalOptions {
  dir: string;
  store: HistoryStore;
  /** Raw rows older than this are not worth keeping (the store drops them too). */
  rawRetentionMs: number;
  /** Rollup rows older than this are dropped. */
  retentionMs: number;
  /** Span of one segment file; whole segments are deleted once past retention. */
  segmentMs?: number;
  log?: (line: string) => void;
}

export interface HistoryJournal {
  /** Loads the kept segments into the store; call once, before sampling starts. */
  load(): Promise<{ rows: number; skipped: number }>;
  /** Starts recording the store's rows (in memory until `flush`). */
  start(): void;
  /** Appends what was recorded since the last flush; removes expired segments. */
  flush(): Promise<number>;
  close(): Promise<void>;
}

type Line =
  | {
      t: 'r';
      k: SeriesKind;
      id: string;
      n: string;
      l: Record<string, string>;
      time: number;
      v: Array<number | null>;
    }
  | {
      t: 'b';
      k: SeriesKind;
      id: string;
      n: string;
      l: Record<string, string>;
      lv: number;
      start: number;
      min: Array<number | null>;
      max: Array<number | null>;
      avg: Array<number | null>;
      c: Array<number | null>;
    };

// JSON has no NaN: an unmeasured value is written as null and read back as NaN.
const out = (a: ArrayLike<number>) => Array.from(a, (v) => (Number.isFinite(v) ? v : null));
const back = (a: ReadonlyArray<number | null>) =>
  Float64Array.from(a, (v) => (v === null ? Number.NaN : v));

/**
 * The agent's on-disk history: the store's raw rows and closed rollup buckets appended as JSON
 * lines to time-sliced segment files (`raw-<start>.ndjson`, `tier-<start>.ndjson`) at every flush.
 * An append is one write of whole lines, so a SIGKILL loses at most the rows since the last
 * flush; a torn last line is skipped on load. Expired segments are deleted whole.
 */
export function createHistoryJournal(options: HistoryJournalOptions): HistoryJournal {
  const { dir, store } = options;
  const segmentMs = options.segmentMs ?? 10 * 60_000;
  const log = options.log ?? (() => undefined);
  let pending: string[] = [];
  let pendingTier: string[] = [];
  let unsubscribe: (() => void) | null = null;
  let flushing: Promise<number> = Promise.resolve(0);

  const segmentOf = (time: number) => Math.floor(time / segmentMs) * segmentMs;

  function record(event: HistoryEvent) {
    const s = event.series;
    if (event.type === 'raw') {
      const line: Line = {
        t: 'r',
        k: s.kind,
        id: s.id,
        n: s.name,
        l: s.labels,
        time: event.time,
        v: out(event.values),
      };
      pending.push(JSON.stringify(line));
    } else {
      const line: Line = {
        t: 'b',
        k: s.kind,
        id: s.id,
        n: s.name,
        l: s.labels,
        lv: event.level,
        start: event.start,
        min: out(event.min),
        max: out(event.max),
        avg: out(event.avg),
        c: out(event.count),
      };
      pendingTier.push(JSON.stringify(line));
    }
  }

  async function files(): Promise<Array<{ name: string; kind: 'raw' | 'tier'; start: number }>> {
    const names = await readdir(dir).catch(() => [] as string[]);
    return names
      .map((name) => /^(raw|tier)-(\d+)\.ndjson$/.exec(name))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[0], kind: m[1] as 'raw' | 'tier', start: Number(m[2]) }))
      .sort((a, b) => a.start - b.start || a.kind.localeCompare(b.kind));
  }

  async function expire(now: number) {
    for (const f of await files()) {
      const keep = f.kind === 'raw' ? options.rawRetentionMs : options.retentionMs;
      if (f.start + segmentMs < now - keep) await rm(join(dir, f.name), { force: true });
    }
  }

  async function flushNow(): Promise<number> {
    const raw = pending;
    const tier = pendingTier;
    pending = [];
    pendingTier = [];
    if (raw.length === 0 && tier.length === 0) return 0;
    await mkdir(dir, { recursive: true });
    const now = Date.now();
    // Lines go to the segment of the flush time: a segment then holds nothing older than its
    // start minus one flush interval, which is what expiry needs.
    const segment = segmentOf(now);
    if (raw.length > 0) await appendFile(join(dir, `raw-${segment}.ndjson`), `${raw.join('\n')}\n`);
    if (tier.length > 0)
      await appendFile(join(dir, `tier-${segment}.ndjson`), `${tier.join('\n')}\n`);
    await expire(now);
    return raw.length + tier.length;
  }

  function flush(): Promise<number> {
    // Flushes run one after another so lines never interleave.
    flushing = flushing.then(flushNow, flushNow);
    return flushing;
  }

  return {
    async load() {
      let rows = 0;
      let skipped = 0;
      const restorers = new Map<string, ReturnType<HistoryStore['restore']>>();
      const now = Date.now();
      await expire(now);
      // Rollup rows first, then raw rows, each in time order: what the store's restorer expects.
      const all = await files();
      for (const kind of ['tier', 'raw'] as const) {
        for (const f of all.filter((x) => x.kind === kind)) {
          const text = await readFile(join(dir, f.name), 'utf8');
          for (const raw of text.split('\n')) {
            if (raw === '') continue;
            let line: Line;
            try {
              line = JSON.parse(raw) as Line;
            } catch {
              // A line torn by a kill in the middle of an append.
              skipped += 1;
              continue;
            }
            const key = `${line.k}:${line.id}`;
            let r = restorers.get(key);
            if (!r) {
              r = store.restore({ kind: line.k, id: line.id, name: line.n, labels: line.l });
              restorers.set(key, r);
            }
            try {
              if (line.t === 'r') r.raw(line.time, back(line.v));
              else
                r.bucket(
                  line.lv,
                  line.start,
                  back(line.min),
                  back(line.max),
                  back(line.avg),
                  back(line.c),
                );
              rows += 1;
            } catch (error) {
              skipped += 1;
              if (skipped <= 3)
                log(`history: skipped a row of ${key}: ${(error as Error).message}`);
            }
          }
        }
      }
      for (const r of restorers.values()) r.finish();
      return { rows, skipped };
    },
    start() {
      unsubscribe ??= store.subscribe(record);
    },
    flush,
    async close() {
      unsubscribe?.();
      unsubscribe = null;
      await flush();
    },
  };
}
