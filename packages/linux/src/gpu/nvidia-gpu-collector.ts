import { execFile } from 'node:child_process';
import {
  type Collector,
  type GpuProcessReading,
  type GpuReading,
  gpuMemoryByContainer,
  type ReadingStamp,
  PerfError,
} from '@arcbox/perf-core';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import {
  createContainerOfCgroup,
  type KnownContainerCgroup,
} from '../processes/container-of-cgroup.js';
import { containerCgroupPath, parseProcessCgroup } from '../processes/parse-process-cgroup.js';
import { type FifoChild, spawnToFifo } from './fifo-child.js';
import { NVIDIA_QUERY_FIELDS } from './nvidia-query-fields.js';
import { MAX_CSV_LINE, parseComputeApps, parseQueryGpuLine } from './parse-nvidia-csv.js';
import {
  appsByUuid,
  assembleNvidiaReadings,
  detailsById,
  MAX_TICK_GPUS,
  type NvidiaAppsAnswer,
  type NvidiaDetail,
  type NvidiaRawRound,
} from './assemble-nvidia-readings.js';

export interface NvidiaGpuCollectorOptions {
  /** The nvidia-smi to run (found on PATH by name by default). */
  command?: string;
  env?: NodeJS.ProcessEnv;
  /** Period of the streaming child (`-lms`), ms. Default 1000. */
  intervalMs?: number;
  /** How often per-process GPU memory is asked (`--query-compute-apps`), ms. Default 10 s. */
  appsIntervalMs?: number;
  /** How often `-q -x` is read for what the query interface lacks (slowdown temperature, MIG). Default 60 s; 0 = never. */
  detailIntervalMs?: number;
  /** Bound of one `--query-compute-apps` or `-q -x` run, ms. Default 5 s. */
  commandTimeoutMs?: number;
  /** Root of /proc for pid -> container; `/` by default. */
  root?: string;
  reader?: FileReader;
  /** The containers the container collector reads, so a GPU process gets the same container id. */
  containers?: () => readonly KnownContainerCgroup[];
  /** First restart delay after the child dies, ms (doubling up to 30 s). Default 200. */
  restartDelayMs?: number;
  /** Keep what each round was made from, for `lastRaw()` (a recording); off live. */
  keepRaw?: boolean;
}

export interface NvidiaGpuCollector extends Collector<GpuReading[]> {
  /** Streaming children started so far (1 while the first one lives). */
  readonly spawns: number;
  /**
   * GPU memory per container id from the latest compute-apps answer (containers holding none
   * are absent); null before the first answer.
   */
  memoryByContainer(): Map<string, number> | null;
  /**
   * What the last round returned was made from, as nvidia-smi printed it (with `keepRaw` only;
   * null otherwise or before a round): `nvidiaReadingsFromRaw` rebuilds the round from it.
   */
  lastRaw(): NvidiaRawRound | null;
  /** The compute-apps and `-q -x` answers in use now, raw (with `keepRaw` only). */
  latestAnswers(): Pick<NvidiaRawRound, 'apps' | 'detail'>;
}

interface Batch {
  seq: number;
  at: number;
  readings: GpuReading[];
  /** The tick's lines, with `keepRaw` only. */
  lines: string[];
}

const MAX_BACKOFF_MS = 30_000;
/** How often a round waiting for the stream looks at it again, ms. */
const POLL_MS = 20;
/**
 * A child blocked in a write to a full FIFO (64 KiB) left at least 60 KiB in it (writes of up to
 * 4 KiB are atomic); a read of that much may end with lines printed long ago.
 */
const STALE_BYTES = 60 * 1024;

/**
 * NVIDIA GPUs through one long-lived `nvidia-smi --query-gpu=... -lms <interval>` child: each
 * round takes the latest lines it printed, with no process spawned per round. Its output goes to
 * a FIFO read by the round itself (fifo-child.ts), so between rounds the stream wakes nothing. A
 * child that exits fails the next round (one round), and is started again after a delay that
 * doubles up to 30 s (reset by its first output). A child that prints nothing leaves the round
 * waiting until the collector's timeout, and is killed (and restarted) by the first round after
 * 10 intervals (at least 10 s) of silence. Per-process GPU
 * memory comes from a `--query-compute-apps` run every `appsIntervalMs`, each pid given the
 * container of its cgroup (the processes kind's attribution); `-q -x` every `detailIntervalMs`
 * adds the slowdown temperature and MIG instances.
 */
export function createNvidiaGpuCollector(
  options: NvidiaGpuCollectorOptions = {},
): NvidiaGpuCollector {
  const command = options.command ?? 'nvidia-smi';
  const env = { ...(options.env ?? process.env), LC_ALL: 'C' };
  const intervalMs = Math.max(100, options.intervalMs ?? 1000);
  const appsIntervalMs = options.appsIntervalMs ?? 10_000;
  const detailIntervalMs = options.detailIntervalMs ?? 60_000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 5000;
  const firstDelay = options.restartDelayMs ?? 200;
  const reader = options.reader ?? createFileReader({ root: options.root ?? '/', keepOpen: false });
  const containerOf = createContainerOfCgroup();

  let child: FifoChild | null = null;
  let starting: Promise<void> | null = null;
  let spawns = 0;
  let closed = false;
  let buffer = '';
  let pending: GpuReading[] = [];
  let pendingLines: string[] = [];
  const keepRaw = options.keepRaw === true;
  let restartTimer: NodeJS.Timeout | null = null;
  let lastOutputAt = 0;
  const silenceMs = Math.max(10 * intervalMs, 10_000);
  let delay = firstDelay;
  let seq = 0;
  let latest: Batch | null = null;
  let returnedSeq = -1;
  /** Output read before this time is dropped: what a child blocked on a full FIFO had printed. */
  let staleUntil = 0;
  /** Set when the child exited since the last round: that round fails. */
  let failure: PerfError | null = null;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };

  let apps = new Map<string, GpuProcessReading[]>();
  let appsKnown = false;
  let appsAt = Number.NEGATIVE_INFINITY;
  let details = new Map<string, NvidiaDetail>();
  let detailAt = Number.NEGATIVE_INFINITY;
  let inFlight = 0;
  let rawApps: NvidiaAppsAnswer | null = null;
  let rawDetail: string | null = null;
  let lastRaw: NvidiaRawRound | null = null;

  const flush = () => {
    if (pending.length === 0) return;
    latest = { seq: ++seq, at: performance.now(), readings: pending, lines: pendingLines };
    pending = [];
    pendingLines = [];
    delay = firstDelay;
  };

  const onLine = (line: string, stamp: ReadingStamp) => {
    const reading = parseQueryGpuLine(line, stamp);
    if (!reading) return;
    // Lines of one tick come in index order: an index seen again starts the next tick.
    const last = pending[pending.length - 1];
    if (last && (reading.index ?? 0) <= (last.index ?? 0)) flush();
    if (pending.length < MAX_TICK_GPUS) {
      pending.push(reading);
      if (keepRaw) pendingLines.push(line);
    }
  };

  // Reads what the child printed since the last call. A tick is complete once the next one
  // starts, or once it has as many lines as the last tick; a first tick (or one short of the
  // last) is closed by a read that finds nothing more.
  const drain = () => {
    if (!child) return;
    const text = child.take();
    const now = performance.now();
    if (text === '') {
      if (buffer === '') flush();
      // Nothing printed since the last output we read, that long ago: the child hangs. (Not
      // the time since we last read: rounds may stop for a while with the child printing.)
      if (now - lastOutputAt > silenceMs) child.child.kill('SIGKILL');
      return;
    }
    lastOutputAt = now;
    if (now < staleUntil) return;
    // The child may have waited on a full FIFO, so its last lines are old, and what it prints
    // in the next half period was printed before that wait: the round waits for the next tick.
    if (text.length > STALE_BYTES) {
      buffer = '';
      pending = [];
      pendingLines = [];
      latest = null;
      staleUntil = now + intervalMs / 2;
      return;
    }
    buffer += text;
    // Every line of one read was printed by then; one stamp for them all.
    const stamp = { monotonicMs: now, time: Date.now() };
    let from = 0;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      onLine(buffer.slice(from, nl), stamp);
      from = nl + 1;
      nl = buffer.indexOf('\n', from);
    }
    buffer = buffer.slice(from);
    // A line longer than any nvidia-smi prints is dropped, not kept growing.
    if (buffer.length > MAX_CSV_LINE) buffer = '';
    if (latest && pending.length >= latest.readings.length) flush();
  };

  const ended = (c: FifoChild, why: string) => {
    if (child !== c) return;
    // Lines printed before the end stand; what was mid-line is lost.
    drain();
    buffer = '';
    flush();
    child = null;
    c.close();
    if (closed) return;
    failure = new PerfError('COLLECTOR_FAILED', `${command} ${why}; restarting in ${delay} ms`);
    wake();
    restartTimer = setTimeout(() => {
      restartTimer = null;
      void start();
    }, delay);
    restartTimer.unref();
    delay = Math.min(MAX_BACKOFF_MS, delay * 2);
  };

  const spawnChild = async () => {
    spawns += 1;
    buffer = '';
    pending = [];
    pendingLines = [];
    const args = [
      `--query-gpu=${NVIDIA_QUERY_FIELDS.join(',')}`,
      '--format=csv,noheader,nounits',
      '-lms',
      String(intervalMs),
    ];
    let c: FifoChild;
    try {
      c = await spawnToFifo(command, args, env);
    } catch (e) {
      failure = new PerfError('COLLECTOR_FAILED', `${command}: ${(e as Error).message}`, {
        cause: e,
      });
      wake();
      return;
    }
    if (closed) {
      c.child.kill('SIGKILL');
      c.close();
      return;
    }
    child = c;
    lastOutputAt = performance.now();
    c.child.on('error', (e) => ended(c, `could not run: ${e.message}`));
    c.child.on('exit', (code, sig) => ended(c, `exited (${sig ?? code})`));
  };

  const start = (): Promise<void> => {
    if (closed || child || restartTimer) return Promise.resolve();
    starting ??= spawnChild().finally(() => {
      starting = null;
    });
    return starting;
  };

  const runOnce = (args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        command,
        args,
        { env, timeout: commandTimeoutMs, killSignal: 'SIGKILL', maxBuffer: 8 * 1024 * 1024 },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });

  const containerOfPid = (pid: number): string | null => {
    const text = reader.read(`proc/${pid}/cgroup`, 64 * 1024);
    return text === null ? null : containerOf(containerCgroupPath(parseProcessCgroup(text)));
  };

  // The slow queries run beside the rounds, never in them: a round uses their latest answers.
  const refresh = () => {
    const now = performance.now();
    if (inFlight > 0) return;
    if (now - appsAt >= appsIntervalMs) {
      appsAt = now;
      inFlight += 1;
      runOnce(['--query-compute-apps=pid,gpu_uuid,used_memory', '--format=csv,noheader,nounits'])
        .then((text) => {
          if (options.containers) containerOf.update(options.containers());
          const given: Record<string, string | null> = {};
          apps = appsByUuid(parseComputeApps(text), (pid) => {
            const container = containerOfPid(pid);
            given[pid] = container;
            return container;
          });
          if (keepRaw) rawApps = { text, containers: given };
          appsKnown = true;
        })
        .catch(() => undefined)
        .finally(() => (inFlight -= 1));
    }
    if (detailIntervalMs > 0 && now - detailAt >= detailIntervalMs) {
      detailAt = now;
      inFlight += 1;
      runOnce(['-q', '-x'])
        .then((text) => {
          details = detailsById(text, { monotonicMs: performance.now(), time: Date.now() });
          if (keepRaw) rawDetail = text;
        })
        .catch(() => undefined)
        .finally(() => (inFlight -= 1));
    }
  };

  const assemble = (batch: Batch): GpuReading[] => {
    returnedSeq = batch.seq;
    if (keepRaw) lastRaw = { lines: batch.lines, apps: rawApps, detail: rawDetail };
    return assembleNvidiaReadings(batch.readings, details, apps);
  };

  return {
    name: 'gpus',
    get spawns() {
      return spawns;
    },
    memoryByContainer() {
      return appsKnown
        ? gpuMemoryByContainer([...apps.values()].map((processes) => ({ processes })))
        : null;
    },
    lastRaw: () => lastRaw,
    latestAnswers: () => ({ apps: rawApps, detail: rawDetail }),
    async collect({ signal }) {
      if (closed) throw new PerfError('INVALID_ARGUMENT', 'the GPU collector is closed');
      // Not awaited: a start (mkfifo, spawn) that drags on is bounded by this round's signal,
      // like the stream's first tick.
      if (!child) void start();
      refresh();
      for (;;) {
        drain();
        if (failure) {
          const e = failure;
          failure = null;
          throw e;
        }
        const b = latest;
        // A batch not yet returned, or one still fresh (the stream and the rounds drift).
        if (b && (b.seq > returnedSeq || performance.now() - b.at <= 2 * intervalMs + 250))
          return assemble(b);
        if (signal.aborted)
          throw new PerfError('TIMEOUT', `${command} printed nothing in time`, {
            cause: signal.reason,
          });
        // Nothing new yet (a first tick, or the stream late): look again shortly, or on the
        // child's exit, or on the round's abort.
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiters.delete(done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, POLL_MS);
          waiters.add(done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
    },
    close() {
      closed = true;
      if (restartTimer) clearTimeout(restartTimer);
      const c = child;
      child = null;
      c?.child.kill('SIGKILL');
      c?.close();
      wake();
    },
  };
}
