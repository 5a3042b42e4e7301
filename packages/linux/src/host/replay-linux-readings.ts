import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerfError, type SystemReading, throwIfAborted } from '@arcbox/perf-core';
import { createFileReader } from '../fs/file-reader.js';
import { createLinuxSystemCollector } from './linux-system-collector.js';
import { type RecordedStamp, type RecordingManifest, readingDir } from './recording-layout.js';

export interface ReplayLinuxReadingsOptions {
  signal?: AbortSignal;
  clockTicks?: number;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PerfError(
      code === 'ENOENT' ? 'MISSING_FILE' : 'READ_ERROR',
      'cannot read recording file',
      {
        file,
        cause: error,
      },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PerfError('PARSE_ERROR', 'not JSON', { file, cause: error });
  }
}

function manifestOf(value: unknown, file: string): RecordingManifest {
  const m = value as Partial<RecordingManifest> | null;
  if (m?.platform !== 'linux') {
    throw new PerfError('PARSE_ERROR', 'not a Linux recording (platform must be "linux")', {
      file,
      field: 'platform',
    });
  }
  if (typeof m.readings !== 'number' || !Number.isInteger(m.readings) || m.readings < 0) {
    throw new PerfError('PARSE_ERROR', 'readings must be a whole number', {
      file,
      field: 'readings',
    });
  }
  return { platform: 'linux', readings: m.readings };
}

function stampOf(value: unknown, file: string): { monotonicMs: number; time: number } {
  const s = value as Partial<RecordedStamp> | null;
  if (typeof s?.monotonicMs !== 'number' || !Number.isFinite(s.monotonicMs)) {
    throw new PerfError('PARSE_ERROR', 'monotonicMs must be a number', {
      file,
      field: 'monotonicMs',
    });
  }
  const time = typeof s.time === 'string' ? Date.parse(s.time) : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new PerfError('PARSE_ERROR', 'time must be an ISO 8601 date', { file, field: 'time' });
  }
  return { monotonicMs: s.monotonicMs, time };
}

/**
 * Reads back a recording made by `recordLinuxReadings` (or built by hand in the same layout):
 * each reading folder is read as a proc/sys root, stamped from its reading.json. A missing
 * required file is a MISSING_FILE error naming it; a missing pressure file is a problem entry.
 */
export async function replayLinuxReadings(
  dir: string,
  options: ReplayLinuxReadingsOptions = {},
): Promise<SystemReading[]> {
  const manifestFile = join(dir, 'recording.json');
  const manifest = manifestOf(await readJson(manifestFile), manifestFile);
  const readings: SystemReading[] = [];
  for (let index = 1; index <= manifest.readings; index++) {
    throwIfAborted(options.signal, 'replay');
    const folder = readingDir(dir, index);
    const stampFile = join(folder, 'reading.json');
    const stamp = stampOf(await readJson(stampFile), stampFile);
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
