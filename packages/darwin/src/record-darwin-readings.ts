import { mkdir, writeFile } from 'node:fs/promises';
import * as nodeOs from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  formatRecordedStamp,
  formatRecordingManifest,
  PerfError,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  type ReadingStamp,
  type SystemReading,
} from '@arcbox/perf-core';
import { type CommandRunner, createExecFileRunner } from './command-runner.js';
import type { DarwinOs } from './darwin-cpu.js';
import { createDarwinSystemCollector } from './darwin-system-collector.js';
import { readingDir } from './recording-layout.js';
import { createRecordingOs } from './recording-os.js';
import { createRecordingRunner } from './recording-runner.js';

export interface RecordDarwinOptions {
  dir: string;
  count: number;
  /** Pause between readings, in milliseconds. */
  intervalMs: number;
  signal?: AbortSignal;
  /** The live sources; defaults are the real commands and node:os. */
  run?: CommandRunner;
  os?: DarwinOs;
  clock?: () => ReadingStamp;
  timeoutMs?: number;
}

/**
 * Takes `count` live readings and saves exactly what the collector saw: per reading the raw
 * stdout of each command, what os.cpus() and os.loadavg() returned, and the stamp. Any machine
 * can then replay the folder with `replayDarwinReadings`. `recording.json` is rewritten after
 * every reading, so an interrupted recording is still a valid, shorter one.
 */
export async function recordDarwinReadings(options: RecordDarwinOptions): Promise<SystemReading[]> {
  const { dir, count, intervalMs, signal } = options;
  if (!Number.isInteger(count) || count < 1) {
    throw new PerfError('INVALID_ARGUMENT', `count must be a positive integer, not ${count}`);
  }
  let folder = readingDir(dir, 1);
  const os = createRecordingOs(
    options.os ?? { cpus: () => nodeOs.cpus(), loadavg: () => nodeOs.loadavg() },
  );
  const collector = createDarwinSystemCollector({
    run: createRecordingRunner(options.run ?? createExecFileRunner(), () => folder),
    os: os.os,
    clock: options.clock ?? (() => ({ monotonicMs: performance.now(), time: Date.now() })),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });

  await mkdir(dir, { recursive: true });
  const readings: SystemReading[] = [];
  for (let i = 1; i <= count; i++) {
    if (i > 1) await sleep(intervalMs, undefined, signal ? { signal } : {});
    folder = readingDir(dir, i);
    await mkdir(folder, { recursive: true });
    const reading = await collector.collect({ signal: signal ?? new AbortController().signal });
    await os.write(folder);
    await writeFile(join(folder, RECORDED_STAMP_FILE), formatRecordedStamp(reading));
    await writeFile(
      join(dir, RECORDING_MANIFEST_FILE),
      formatRecordingManifest({ platform: 'darwin', readings: i }),
    );
    readings.push(reading);
  }
  return readings;
}
