import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  type Collector,
  type GpuProcessReading,
  type GpuReading,
  gpuMemoryByContainer,
  PerfError,
} from '@arcbox/perf-core';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import {
  createContainerOfCgroup,
  type KnownContainerCgroup,
} from '../processes/container-of-cgroup.js';
import { containerCgroupPath, parseProcessCgroup } from '../processes/parse-process-cgroup.js';
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

/**
 * NVIDIA GPUs through one long-lived `nvidia-smi --query-gpu=... -lms <interval>` child: each
 * round takes the latest lines it printed, with no process spawned per round. A child that exits
 * fails the next round (one round), and is started again after a delay that doubles up to 30 s
 * (reset by its first output). A child that prints nothing leaves the round waiting until the
 * collector's timeout, and is killed and restarted after 10 (to 15) intervals of silence. Per-process GPU
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

  let child: ChildProcess | null = null;
  let spawns = 0;
  let closed = false;
  let buffer = '';
  let pending: GpuReading[] = [];
  let pendingLines: string[] = [];
  const keepRaw = options.keepRaw === true;
  let flushTimer: NodeJS.Timeout | null = null;
  let restartTimer: NodeJS.Timeout | null = null;
  let watchdog: NodeJS.Timeout | null = null;
  let lastOutputAt = 0;
  const silenceMs = Math.max(10 * intervalMs, 10_000);
  let delay = firstDelay;
  let seq = 0;
  let latest: Batch | null = null;
  let returnedSeq = -1;
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
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    if (pending.length === 0) return;
    latest = { seq: ++seq, at: performance.now(), readings: pending, lines: pendingLines };
    pending = [];
    pendingLines = [];
    delay = firstDelay;
    wake();
  };

  const onLine = (line: string) => {
    const reading = parseQueryGpuLine(line, { monotonicMs: performance.now(), time: Date.now() });
    if (!reading) return;
    // Lines of one tick come in index order: an index seen again starts the next tick.
    const last = pending[pending.length - 1];
    if (last && (reading.index ?? 0) <= (last.index ?? 0)) flush();
    if (pending.length < MAX_TICK_GPUS) {
      pending.push(reading);
      if (keepRaw) pendingLines.push(line);
    }
    // As many lines as the last tick had: this tick is complete. Short of that, the rest of the
    // tick (or the next tick's first line) completes it: no timer armed per tick, since a timer
    // cleared at once still wakes the loop when it was due. Only the first tick, or one with more
    // GPUs than the last, is closed by a short timer.
    if (latest && pending.length === latest.readings.length) return flush();
    if (latest && pending.length < latest.readings.length) return;
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = setTimeout(flush, Math.min(50, intervalMs / 4));
  };

  // One slow check of the last output's time, not a timer re-armed on every chunk (timer churn
  // was a measurable share of a round's own CPU).
  const armWatchdog = () => {
    lastOutputAt = performance.now();
    if (watchdog) clearInterval(watchdog);
    watchdog = setInterval(() => {
      if (performance.now() - lastOutputAt > silenceMs) child?.kill('SIGKILL');
    }, silenceMs / 2);
    watchdog.unref();
  };

  const start = () => {
    if (closed || child) return;
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
    const c = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'ignore'] });
    child = c;
    armWatchdog();
    c.stdout!.setEncoding('utf8');
    c.stdout!.on('data', (chunk: string) => {
      lastOutputAt = performance.now();
      buffer += chunk;
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
      }
      // A line longer than any nvidia-smi prints is dropped, not kept growing.
      if (buffer.length > MAX_CSV_LINE) buffer = '';
    });
    const ended = (why: string) => {
      if (child !== c) return;
      child = null;
      if (watchdog) clearInterval(watchdog);
      watchdog = null;
      // What was mid-line is lost; lines already complete stand.
      buffer = '';
      flush();
      if (closed) return;
      failure = new PerfError('COLLECTOR_FAILED', `${command} ${why}; restarting in ${delay} ms`);
      wake();
      restartTimer = setTimeout(() => {
        restartTimer = null;
        start();
      }, delay);
      restartTimer.unref();
      delay = Math.min(MAX_BACKOFF_MS, delay * 2);
    };
    c.on('error', (e) => ended(`could not run: ${e.message}`));
    c.on('exit', (code, sig) => ended(`exited (${sig ?? code})`));
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
      start();
      refresh();
      for (;;) {
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
        await new Promise<void>((resolve) => {
          const done = () => {
            waiters.delete(done);
            signal.removeEventListener('abort', done);
            resolve();
          };
          waiters.add(done);
          signal.addEventListener('abort', done, { once: true });
        });
      }
    },
    close() {
      closed = true;
      for (const t of [flushTimer, restartTimer, watchdog]) if (t) clearTimeout(t);
      const c = child;
      child = null;
      c?.kill('SIGKILL');
      wake();
    },
  };
}
