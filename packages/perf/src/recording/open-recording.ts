import { join } from 'node:path';
import {
  type Collector,
  type LifecycleEvent,
  PerfError,
  type Platform,
  parseRecordedStamp,
  parseRecordingManifest,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  type ReadingStamp,
  throwIfAborted,
} from '@arcbox/perf-core';
import type { MonitorCollectors } from '../monitor-collectors.js';
import { createReadingCursor } from './reading-cursor.js';
import { recordedFileReader } from './recorded-file-reader.js';
import type { RecordedSources } from './recorded-sources.js';
import { readRecordedSources } from './read-recorded-sources.js';
import { openRecordingFiles, type RecordingFiles } from './recording-files.js';
import { readingFolder } from './recording-layout.js';
import type { RecordingLimits } from './recording-limits.js';
import type { ReplaySources } from './recording-sources.js';
import { createDarwinReplaySources } from './replay-darwin-sources.js';
import { createLinuxReplaySources } from './replay-linux-sources.js';

export interface OpenRecordingOptions {
  signal?: AbortSignal;
  /** Bounds on what is read (file size, folder size, files and bytes per reading). */
  limits?: Partial<RecordingLimits>;
}

/**
 * A recording opened for replay: the platform's collectors, made as the recording made them,
 * reading whichever reading is selected. Give `collectors` to `createMonitor` and `select` each
 * reading before a `collect()`: the monitor then computes every kind with the same code as live
 * (`replaySamples` does exactly that).
 */
export interface Recording extends AsyncDisposable {
  /** The recording's folder (symbolic links in the path given resolved). */
  readonly dir: string;
  readonly platform: Platform;
  /** How many readings it holds (`recording.json`). */
  readonly readings: number;
  /** What `sources.json` says (or what a recording made before it holds). */
  readonly sources: RecordedSources;
  /** By sample key: `system`, and `containers`, `vms`, `filesystems` where recorded. */
  readonly collectors: MonitorCollectors;
  /** The collector timeouts the recording ran with. */
  readonly timeouts: Record<string, number>;
  /** The selected reading, 1-based; 0 before the first `select`. */
  readonly current: number;
  /** Selects reading `index` (1-based) and gives its stamp; a reading without one is MISSING_FILE. */
  select(index: number, options?: { signal?: AbortSignal }): Promise<ReadingStamp>;
  /** The engine's lifecycle events the selected reading recorded (`/events`), oldest first. */
  events(): LifecycleEvent[];
  /** Files refused so far (links, FIFOs, devices, past a cap), each a READ_ERROR naming the file. */
  readonly refusals: readonly PerfError[];
  close(): Promise<void>;
}

/**
 * Opens a recording made by `recordSamples` (or by the CLI's `record` before it, or built by hand
 * in the same layout). The recording is untrusted: see `RecordingFiles`. A collector whose
 * reading touched a refused file fails with that refusal even if its own code would have
 * carried on without the file.
 */
export async function openRecording(
  dir: string,
  options: OpenRecordingOptions = {},
): Promise<Recording> {
  throwIfAborted(options.signal, 'opening the recording');
  const files = openRecordingFiles(dir, options.limits);
  const manifestFile = join(files.root, RECORDING_MANIFEST_FILE);
  const text = files.readText(RECORDING_MANIFEST_FILE);
  if (text === null)
    throw new PerfError('MISSING_FILE', 'not a recording: no recording.json', {
      file: manifestFile,
    });
  const platform = platformOf(text);
  const { readings } = parseRecordingManifest(text, platform, manifestFile);
  const sources = readRecordedSources(files, platform);
  const cursor = createReadingCursor(files.root);

  const select = async (index: number, signal?: AbortSignal): Promise<ReadingStamp> => {
    if (!Number.isSafeInteger(index) || index < 1 || index > readings)
      throw new PerfError('INVALID_ARGUMENT', `no reading ${index}: the recording has ${readings}`);
    throwIfAborted(signal, 'replay');
    files.startReading();
    const stampPath = join(readingFolder('', index), RECORDED_STAMP_FILE);
    const stampText = files.readText(stampPath);
    const stampFile = join(files.root, stampPath);
    if (stampText === null)
      throw new PerfError('MISSING_FILE', 'cannot read recording file', { file: stampFile });
    const stamp = parseRecordedStamp(stampText, stampFile);
    cursor.moveTo(index, stamp);
    return stamp;
  };

  const fallbackCpuCount =
    sources.vms && sources.vms.hostCpuCount === null && readings > 0
      ? await firstCpuCount(files, cursor, select, options.signal)
      : 1;
  const made: ReplaySources =
    platform === 'darwin'
      ? await createDarwinReplaySources(sources, cursor, files, fallbackCpuCount)
      : await createLinuxReplaySources(sources, cursor, files, fallbackCpuCount);
  const collectors = refusing(made.collectors, files);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await made.close();
  };

  return {
    dir: files.root,
    platform,
    readings,
    sources,
    collectors,
    timeouts: { ...sources.timeouts },
    get current() {
      return cursor.index;
    },
    refusals: files.refusals,
    async select(index, selectOptions = {}) {
      const signal = selectOptions.signal ?? options.signal;
      const stamp = await select(index, signal);
      await made.prepareReading({ signal: signal ?? new AbortController().signal });
      return stamp;
    },
    events: () => made.events?.() ?? [],
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** `recording.json`'s platform; anything else is left to core's check, which names the field. */
function platformOf(text: string): Platform {
  try {
    return (JSON.parse(text) as { platform?: unknown })?.platform === 'darwin' ? 'darwin' : 'linux';
  } catch {
    return 'linux';
  }
}

/**
 * The collectors, each failing with the first file refused while it read: a collector that
 * treats an unreadable file as "not there" must not turn a hostile recording into quiet output.
 */
function refusing(collectors: MonitorCollectors, files: RecordingFiles): MonitorCollectors {
  const out: MonitorCollectors = { ...collectors };
  for (const [key, collector] of Object.entries(collectors)) {
    if (!collector) continue;
    const wrapped: Collector<unknown> & Record<string, unknown> = {
      name: collector.name,
      async collect(options) {
        const before = files.refusals.length;
        const value = await collector.collect(options);
        const refused = files.refusals[before];
        if (refused) throw refused;
        return value;
      },
      close: () => collector.close?.(),
    };
    // The one-series helpers (collectContainer, collectVm) are checked the same way.
    for (const helper of ['collectContainer', 'collectVm'] as const) {
      const fn = (collector as unknown as Record<string, unknown>)[helper];
      if (typeof fn !== 'function') continue;
      wrapped[helper] = async (...args: unknown[]) => {
        const before = files.refusals.length;
        const value = await (fn as (...a: unknown[]) => Promise<unknown>).apply(collector, args);
        const refused = files.refusals[before];
        if (refused) throw refused;
        return value;
      };
    }
    out[key] = wrapped as Collector<unknown>;
  }
  return out;
}

/** The CPU count of the first reading's host: what recordings without vms.json divided VMs by. */
async function firstCpuCount(
  files: RecordingFiles,
  cursor: ReturnType<typeof createReadingCursor>,
  select: (index: number, signal?: AbortSignal) => Promise<ReadingStamp>,
  signal: AbortSignal | undefined,
): Promise<number> {
  const linux = await import('@arcbox/perf-linux');
  await select(1, signal);
  const system = linux.createLinuxSystemCollector({
    reader: recordedFileReader(() => files.at(cursor.folder)),
    clock: cursor.clock,
    cacheSysfs: false,
  });
  const reading = await system.collect({ signal: signal ?? new AbortController().signal });
  return Math.max(1, reading.cpuCount);
}
