import { join } from 'node:path';
import {
  PerfError,
  parseRecordedStamp,
  parseRecordingManifest,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  type SystemReading,
} from '@arcbox/perf-core';
import { createDarwinSystemCollector } from './darwin-system-collector.js';
import { plainRecordedFileRead, type RecordedFileRead } from './recorded-file-read.js';
import { readingDir } from './recording-layout.js';
import { createReplayOs } from './recording-os.js';
import { createReplayRunner } from './recording-runner.js';

export interface ReplayDarwinOptions {
  signal?: AbortSignal;
  /** Per file read, in milliseconds (default 5000). */
  timeoutMs?: number;
  /**
   * Reads each recorded file (null: not recorded). A plain read by default: for recordings from
   * elsewhere, `@arcbox/perf`'s `openRecording` passes one that refuses symlinks, FIFOs, devices
   * and oversized files.
   */
  read?: RecordedFileRead;
}

/**
 * Replays a darwin recording (see `recordDarwinReadings`) through the same collector code that
 * reads a live Mac, one SystemReading per recorded reading; feed consecutive pairs to core's
 * computeSystemMetrics. A command file missing from a reading replays as a command not on PATH.
 */
export async function replayDarwinReadings(
  dir: string,
  options: ReplayDarwinOptions = {},
): Promise<SystemReading[]> {
  const signal = options.signal ?? new AbortController().signal;
  const timeoutMs = options.timeoutMs ?? 5000;
  const read = options.read ?? plainRecordedFileRead;
  const readText = async (file: string) => {
    const text = await read(file, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    });
    if (text === null) throw new PerfError('MISSING_FILE', `cannot read ${file}`, { file });
    return text;
  };
  const manifestFile = join(dir, RECORDING_MANIFEST_FILE);
  const { readings: count } = parseRecordingManifest(
    await readText(manifestFile),
    'darwin',
    manifestFile,
  );

  let folder = readingDir(dir, 1);
  let stamp = { monotonicMs: 0, time: 0 };
  const os = createReplayOs(read);
  const collector = createDarwinSystemCollector({
    run: createReplayRunner(() => folder, { read }),
    os: os.os,
    clock: () => stamp,
    timeoutMs,
  });

  const readings: SystemReading[] = [];
  for (let i = 1; i <= count; i++) {
    folder = readingDir(dir, i);
    const stampFile = join(folder, RECORDED_STAMP_FILE);
    stamp = parseRecordedStamp(await readText(stampFile), stampFile);
    await os.load(folder, { signal });
    readings.push(await collector.collect({ signal }));
  }
  return readings;
}
