import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  formatRecordedStamp,
  formatRecordingManifest,
  MAX_RECORDED_READINGS,
  MAX_TIMER_MS,
  PerfError,
  type Platform,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  type ReadingStamp,
  throwIfAborted,
} from '@arcbox/perf-core';
import { defaultSourcesConfig, type SourcesConfig } from '../config/sources-config.js';
import { createMonitor, type PerfSample } from '../perf-monitor.js';
import { prepareRecordingDir } from './prepare-recording-dir.js';
import { createReadingCursor } from './reading-cursor.js';
import { type DarwinLiveInputs, createDarwinRecordingSources } from './record-darwin-sources.js';
import { createLinuxRecordingSources } from './record-linux-sources.js';
import { formatRecordedSources } from './recorded-sources.js';
import { SOURCES_FILE } from './recording-layout.js';
import type { RecordingSources } from './recording-sources.js';

export interface RecordSamplesOptions {
  /** Folder to write; made if missing. One that holds a recording is refused unless `force`. */
  dir: string;
  /** What to record, as for the live monitor (`resolveSources`); the defaults when omitted. */
  sources?: SourcesConfig;
  /** How many readings: at least 2 (a replay computes rates from consecutive pairs). */
  count: number;
  /** Pause between readings, ms. */
  intervalMs: number;
  signal?: AbortSignal;
  /** Replace a recording already in `dir`. */
  force?: boolean;
  /** The platform to record as; this process's by default. */
  platform?: NodeJS.Platform;
  env?: NodeJS.ProcessEnv;
  /**
   * Called with each reading's live sample, computed by a monitor on the recording collectors
   * (the first has no rates yet); a replay of the recording gives the same figures.
   */
  onSample?: (sample: PerfSample, reading: number) => void;
}

/** What a recording holds, once written. */
export interface RecordingSummary {
  dir: string;
  platform: Platform;
  readings: number;
  /** Sample keys recorded: `system`, then `containers`, `vms`, `filesystems` as configured. */
  kinds: string[];
  /** What was looked for and not found (a VM folder that is not there, no engine socket). */
  notes: string[];
  /** Kinds whose collector failed in some reading: the first failure of each, by sample key. */
  errors: Partial<Record<string, PerfError>>;
}

/**
 * Records `count` readings of every kind the composition builds from `sources`: exactly what the
 * collectors read, raw (the /proc, /sys and cgroup files, macOS command outputs, QMP and VMM API
 * replies, the engine's replies, statfs results), so `replaySamples` runs the same parsing and
 * core maths on any machine. `recording.json` is rewritten after each reading, so an interrupted
 * recording is a valid shorter one.
 *
 * ```ts
 * const summary = await recordSamples({ dir: './rec', count: 3, intervalMs: 1000, signal });
 * ```
 */
export async function recordSamples(options: RecordSamplesOptions): Promise<RecordingSummary> {
  const { count, intervalMs, signal } = options;
  if (!Number.isSafeInteger(count) || count < 2 || count > MAX_RECORDED_READINGS)
    throw new PerfError(
      'INVALID_ARGUMENT',
      `count must be a whole number from 2 to ${MAX_RECORDED_READINGS} (a replay computes rates from pairs of readings), got ${count}`,
      { field: 'count' },
    );
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0 && intervalMs <= MAX_TIMER_MS))
    throw new PerfError('INVALID_ARGUMENT', `intervalMs must be 0 to ${MAX_TIMER_MS} ms`, {
      field: 'intervalMs',
    });
  const platform = options.platform ?? process.platform;
  if (platform !== 'linux' && platform !== 'darwin')
    throw new PerfError('UNSUPPORTED_PLATFORM', `record reads Linux and macOS, not ${platform}`);
  throwIfAborted(signal, 'recording');
  const dir = await prepareRecordingDir(options.dir, { force: options.force === true });
  return recordInto(dir, platform, options, {});
}

/** The recording loop, with the live inputs a test may replace (macOS commands on Linux). */
export async function recordInto(
  dir: string,
  platform: Platform,
  options: Pick<
    RecordSamplesOptions,
    'sources' | 'count' | 'intervalMs' | 'signal' | 'env' | 'onSample'
  >,
  darwinInputs: DarwinLiveInputs,
): Promise<RecordingSummary> {
  const { count, intervalMs, signal } = options;
  const config = options.sources ?? defaultSourcesConfig();
  const env = options.env ?? process.env;
  const cursor = createReadingCursor(dir);
  const made: RecordingSources =
    platform === 'darwin'
      ? await createDarwinRecordingSources(config, cursor, env, darwinInputs)
      : await createLinuxRecordingSources(config, cursor, env);
  const clock =
    platform === 'linux'
      ? (await import('@arcbox/perf-linux')).systemClock
      : (): ReadingStamp => ({ monotonicMs: performance.now(), time: Date.now() });
  const monitor = createMonitor({
    collectors: made.collectors,
    timeouts: made.timeouts,
    alerts: false,
  });
  const errors: Partial<Record<string, PerfError>> = {};
  let readings = 0;
  try {
    await writeFile(join(dir, SOURCES_FILE), formatRecordedSources(made.sources));
    for (let index = 1; index <= count; index += 1) {
      if (index > 1 && intervalMs > 0) {
        await sleep(intervalMs, undefined, signal ? { signal } : {}).catch((cause: unknown) => {
          throw PerfError.from(cause, 'ABORTED', 'recording was aborted');
        });
      }
      throwIfAborted(signal, 'recording');
      cursor.moveTo(index, clock());
      await mkdir(cursor.folder, { recursive: true });
      const sample = await monitor.collect(signal ? { signal } : {});
      throwIfAborted(signal, 'recording');
      for (const [key, error] of Object.entries(sample.errors)) if (error) errors[key] ??= error;
      await made.finishReading(cursor.folder);
      await writeFile(join(cursor.folder, RECORDED_STAMP_FILE), formatRecordedStamp(cursor.stamp));
      await writeFile(
        join(dir, RECORDING_MANIFEST_FILE),
        formatRecordingManifest({ platform, readings: index }),
      );
      readings = index;
      options.onSample?.({ ...sample, timestamp: cursor.stamp.time }, index);
    }
  } finally {
    // The monitor closes the collectors; the sources then close what they keep besides.
    await monitor.close();
    await made.close();
  }
  return {
    dir,
    platform,
    readings,
    kinds: made.sources.kinds,
    notes: made.notes,
    errors,
  };
}
