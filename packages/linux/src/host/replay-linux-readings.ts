import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PerfError,
  parseRecordedStamp,
  parseRecordingManifest,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  type SystemReading,
  throwIfAborted,
} from '@arcbox/perf-core';
import { createFileReader } from '../fs/file-reader.js';
import { createLinuxSystemCollector } from './linux-system-collector.js';
import { readingDir } from './recording-layout.js';

export interface ReplayLinuxReadingsOptions {
  signal?: AbortSignal;
  clockTicks?: number;
}

/** Text of a recording file; a missing one is MISSING_FILE naming it. */
async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PerfError(
      code === 'ENOENT' ? 'MISSING_FILE' : 'READ_ERROR',
      'cannot read recording file',
      { file, cause: error },
    );
  }
}

/**
 * Reads back a recording made by `recordLinuxReadings` (or built by hand in the same layout):
 * each reading folder is read as a proc/sys root, stamped from its reading.json. A missing
 * required file is a MISSING_FILE error naming it; a missing pressure file is a problem entry.
 * The folders are read as a live root is (links followed): for a recording from elsewhere, use
 * `@arcbox/perf`'s `replaySamples`, which refuses links, FIFOs, devices and oversized files.
 */
export async function replayLinuxReadings(
  dir: string,
  options: ReplayLinuxReadingsOptions = {},
): Promise<SystemReading[]> {
  const manifestFile = join(dir, RECORDING_MANIFEST_FILE);
  const manifest = parseRecordingManifest(await readText(manifestFile), 'linux', manifestFile);
  const readings: SystemReading[] = [];
  for (let index = 1; index <= manifest.readings; index++) {
    throwIfAborted(options.signal, 'replay');
    const folder = readingDir(dir, index);
    const stampFile = join(folder, RECORDED_STAMP_FILE);
    const stamp = parseRecordedStamp(await readText(stampFile), stampFile);
    const reader = createFileReader({ root: folder, keepOpen: false });
    const collector = createLinuxSystemCollector({
      reader,
      clock: () => stamp,
      cacheSysfs: false,
      ...(options.clockTicks === undefined ? {} : { clockTicks: options.clockTicks }),
    });
    try {
      readings.push(
        await collector.collect({ signal: options.signal ?? new AbortController().signal }),
      );
    } finally {
      reader.close();
    }
  }
  return readings;
}
