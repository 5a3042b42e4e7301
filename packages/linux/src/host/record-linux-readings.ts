import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  formatRecordedStamp,
  formatRecordingManifest,
  PerfError,
  RECORDED_READINGS_FOLDER,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  type ReadingStamp,
  type SystemReading,
  throwIfAborted,
} from '@arcbox/perf-core';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { createRecordingReader } from '../fs/recording-reader.js';
import { createDeviceClassifier } from './classify-devices.js';
import { readLinuxSystem, systemClock } from './read-linux-system.js';
import { readingDir } from './recording-layout.js';

export interface RecordLinuxReadingsOptions {
  /** Folder to write; its `readings/` is replaced. */
  dir: string;
  /** How many readings (at least 1). */
  count: number;
  /** Pause between readings, in milliseconds. */
  intervalMs: number;
  /** Root of the live proc and sys (`/` by default). */
  root?: string;
  signal?: AbortSignal;
  clock?: () => ReadingStamp;
  clockTicks?: number;
  /**
   * Called after each system reading with the same recording reader, so container and VM
   * collectors can read through it and land in the same reading folder.
   */
  extra?: (
    reader: FileReader,
    context: { index: number; signal: AbortSignal | undefined },
  ) => Promise<void>;
}

/**
 * Records `count` readings of the live host: every file the collector reads (and every sysfs
 * folder it consults: the classification cache is off) is copied under
 * `dir/readings/NNNN/`, with `reading.json` holding the stamp. `recording.json` is rewritten
 * after each reading, so an interrupted recording still replays.
 */
export async function recordLinuxReadings(
  options: RecordLinuxReadingsOptions,
): Promise<SystemReading[]> {
  const { dir, count, intervalMs, signal } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new PerfError('INVALID_ARGUMENT', `count must be a positive integer, got ${count}`);
  }
  if (!(intervalMs >= 0)) {
    throw new PerfError('INVALID_ARGUMENT', `intervalMs must be 0 or more, got ${intervalMs}`);
  }
  const live = createFileReader({ root: options.root ?? '/', keepOpen: true });
  const classifier = createDeviceClassifier({ cache: false });
  const clock = options.clock ?? systemClock;
  const readings: SystemReading[] = [];
  try {
    await rm(join(dir, RECORDED_READINGS_FOLDER), { recursive: true, force: true });
    for (let index = 1; index <= count; index++) {
      throwIfAborted(signal, 'recording');
      if (index > 1 && intervalMs > 0) {
        await sleep(intervalMs, undefined, signal ? { signal } : {}).catch((error: unknown) => {
          throw PerfError.from(error, 'ABORTED', 'recording was aborted');
        });
      }
      const folder = readingDir(dir, index);
      await mkdir(folder, { recursive: true });
      const reader = createRecordingReader(live, folder);
      const reading = readLinuxSystem(reader, {
        classifier,
        clock,
        ...(options.clockTicks === undefined ? {} : { clockTicks: options.clockTicks }),
      });
      if (options.extra) await options.extra(reader, { index, signal });
      await writeFile(join(folder, RECORDED_STAMP_FILE), formatRecordedStamp(reading));
      await writeFile(
        join(dir, RECORDING_MANIFEST_FILE),
        formatRecordingManifest({ platform: 'linux', readings: index }),
      );
      readings.push(reading);
    }
    return readings;
  } finally {
    live.close();
  }
}
