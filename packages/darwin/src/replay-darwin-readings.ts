import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  PerfError,
  parseRecordedStamp,
  parseRecordingManifest,
  RECORDED_STAMP_FILE,
  RECORDING_MANIFEST_FILE,
  type SystemReading,
} from '@arcbox/perf-core';
import type { OsCpuTimes } from './darwin-cpu.js';
import { createDarwinSystemCollector } from './darwin-system-collector.js';
import { CPUS_FILE, LOADAVG_FILE, readingDir } from './recording-layout.js';
import { createReplayRunner } from './recording-runner.js';

export interface ReplayDarwinOptions {
  signal?: AbortSignal;
  /** Per file read, in milliseconds (default 5000). */
  timeoutMs?: number;
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
  const readText = (file: string) =>
    readTextFile(file, AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
  const readJson = async (file: string) => parseJson(await readText(file), file);
  const manifestFile = join(dir, RECORDING_MANIFEST_FILE);
  const { readings: count } = parseRecordingManifest(
    await readText(manifestFile),
    'darwin',
    manifestFile,
  );

  let folder = readingDir(dir, 1);
  let cpus: OsCpuTimes[] = [];
  let loadavg: number[] = [];
  let stamp = { monotonicMs: 0, time: 0 };
  const collector = createDarwinSystemCollector({
    run: createReplayRunner(() => folder),
    os: { cpus: () => cpus, loadavg: () => loadavg },
    clock: () => stamp,
    timeoutMs,
  });

  const readings: SystemReading[] = [];
  for (let i = 1; i <= count; i++) {
    folder = readingDir(dir, i);
    const stampFile = join(folder, RECORDED_STAMP_FILE);
    stamp = parseRecordedStamp(await readText(stampFile), stampFile);
    cpus = readCpus(await readJson(join(folder, CPUS_FILE)), join(folder, CPUS_FILE));
    loadavg = readNumbers(await readJson(join(folder, LOADAVG_FILE)), join(folder, LOADAVG_FILE));
    readings.push(await collector.collect({ signal }));
  }
  return readings;
}

async function readTextFile(file: string, signal: AbortSignal): Promise<string> {
  try {
    return await readFile(file, { encoding: 'utf8', signal });
  } catch (error) {
    const errno = (error as { code?: unknown }).code;
    const code =
      errno === 'ENOENT' ? 'MISSING_FILE' : errno === 'ABORT_ERR' ? 'ABORTED' : 'READ_ERROR';
    throw new PerfError(code, `cannot read ${file}`, { cause: error, file });
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PerfError('PARSE_ERROR', 'invalid JSON', { cause: error, file });
  }
}

function readCpus(value: unknown, file: string): OsCpuTimes[] {
  if (!Array.isArray(value))
    throw new PerfError('PARSE_ERROR', 'expected an array of os.cpus() entries', { file });
  return value.map((entry, k) => {
    const t = (entry as { times?: Record<string, unknown> } | null)?.times;
    const n = (key: string) => {
      const x = t?.[key];
      if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) {
        throw new PerfError('PARSE_ERROR', `cpu ${k}: times.${key} must be a non-negative number`, {
          file,
          field: key,
        });
      }
      return x;
    };
    return {
      times: { user: n('user'), nice: n('nice'), sys: n('sys'), idle: n('idle'), irq: n('irq') },
    };
  });
}

function readNumbers(value: unknown, file: string): number[] {
  if (!Array.isArray(value) || !value.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new PerfError('PARSE_ERROR', 'expected an array of numbers', { file });
  }
  return value;
}
