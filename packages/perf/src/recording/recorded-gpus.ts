import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gpuMemoryByContainer, PerfError } from '@arcbox/perf-core';
import type { NvidiaAppsAnswer, NvidiaRawRound } from '@arcbox/perf-linux';
import type { RecordedTree } from './recording-files.js';

// `gpus/` in a reading folder: what nvidia-smi printed, as it printed it. The stream lines of the
// tick the round returned (`query-gpu.csv`), the compute-apps answer in use (`compute-apps.csv`,
// with the container each pid was given in `compute-apps.containers.json`), the `-q -x` answer in
// use (`q-x.xml`), or the round's failure (`error.json`, the recorded-reply format).
export const GPU_FOLDER = 'gpus';
const STREAM_FILE = 'query-gpu.csv';
const APPS_FILE = 'compute-apps.csv';
const APPS_CONTAINERS_FILE = 'compute-apps.containers.json';
const DETAIL_FILE = 'q-x.xml';
export const GPU_ERROR_FILE = 'error.json';

/** Bounds on what a replay takes from `gpus/` (the live collector never keeps more). */
export const RECORDED_GPU_LIMITS = {
  /** Devices in a tick, and characters in one stream line (nvidia-smi prints under 400). */
  maxStreamLines: 64,
  maxLineChars: 2048,
  /** The live collector's execFile maxBuffer for compute apps and `-q -x`. */
  maxAnswerChars: 8 * 1024 * 1024,
  /** Pids given a container, and the length of a container id. */
  maxPids: 4096,
  maxContainerIdChars: 256,
} as const;

/** Writes the raw parts of a round (any of them may be absent) into `<readingDir>/gpus/`. */
export async function writeRecordedGpus(
  readingDir: string,
  parts: { lines?: string[]; answers?: Pick<NvidiaRawRound, 'apps' | 'detail'> },
): Promise<void> {
  const dir = join(readingDir, GPU_FOLDER);
  await mkdir(dir, { recursive: true });
  if (parts.lines)
    await writeFile(join(dir, STREAM_FILE), parts.lines.map((l) => `${l}\n`).join(''));
  const apps = parts.answers?.apps;
  if (apps) {
    await writeFile(join(dir, APPS_FILE), apps.text);
    await writeFile(join(dir, APPS_CONTAINERS_FILE), `${JSON.stringify(apps.containers)}\n`);
  }
  const detail = parts.answers?.detail;
  if (detail) await writeFile(join(dir, DETAIL_FILE), detail);
}

/**
 * The stream lines of the reading being replayed; null when the round did not record them (it
 * failed, or the GPU source was not there). A file past a bound is a PARSE_ERROR naming it.
 */
export function readRecordedStream(tree: RecordedTree): string[] | null {
  const path = join(GPU_FOLDER, STREAM_FILE);
  const text = bounded(
    tree,
    path,
    RECORDED_GPU_LIMITS.maxStreamLines * (RECORDED_GPU_LIMITS.maxLineChars + 1),
  );
  if (text === null) return null;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > RECORDED_GPU_LIMITS.maxStreamLines)
    throw new PerfError(
      'PARSE_ERROR',
      `more than ${RECORDED_GPU_LIMITS.maxStreamLines} GPUs in one tick`,
      {
        file: join(tree.root, path),
      },
    );
  return lines;
}

/** The compute-apps and `-q -x` answers the reading being replayed used (null where none yet). */
export function readRecordedAnswers(tree: RecordedTree): Pick<NvidiaRawRound, 'apps' | 'detail'> {
  const detail = bounded(tree, join(GPU_FOLDER, DETAIL_FILE), RECORDED_GPU_LIMITS.maxAnswerChars);
  return { apps: readRecordedApps(tree), detail };
}

/** The compute-apps answer the reading being replayed used; null where none yet. */
export function readRecordedApps(tree: RecordedTree): NvidiaAppsAnswer | null {
  const text = bounded(tree, join(GPU_FOLDER, APPS_FILE), RECORDED_GPU_LIMITS.maxAnswerChars);
  return text === null ? null : { text, containers: readContainers(tree) };
}

/**
 * GPU memory per container id from a compute-apps answer (what the containers' `gpuMemoryBytes`
 * is filled from); null without an answer.
 */
export function memoryOfAnswer(
  parseComputeApps: (text: string) => Array<{ pid: number; usedMemoryBytes: number | null }>,
  apps: NvidiaAppsAnswer | null,
): Map<string, number> | null {
  if (apps === null) return null;
  const processes = parseComputeApps(apps.text).map((a) => ({
    pid: a.pid,
    usedMemoryBytes: a.usedMemoryBytes,
    container: Object.hasOwn(apps.containers, String(a.pid))
      ? (apps.containers[String(a.pid)] ?? null)
      : null,
  }));
  return gpuMemoryByContainer([{ processes }]);
}

function bounded(tree: RecordedTree, path: string, maxChars: number): string | null {
  const text = tree.readText(path);
  if (text !== null && text.length > maxChars)
    throw new PerfError('PARSE_ERROR', `longer than ${maxChars} characters`, {
      file: join(tree.root, path),
    });
  return text;
}

/** `{ "<pid>": "<container id>" | null }`; anything else is a PARSE_ERROR naming the file. */
function readContainers(tree: RecordedTree): Record<string, string | null> {
  const path = join(GPU_FOLDER, APPS_CONTAINERS_FILE);
  const file = join(tree.root, path);
  const { maxPids, maxContainerIdChars } = RECORDED_GPU_LIMITS;
  const text = bounded(tree, path, maxPids * (maxContainerIdChars + 32));
  if (text === null) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PerfError('PARSE_ERROR', 'not JSON', { file, cause });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new PerfError('PARSE_ERROR', 'expected an object of pid to container id', { file });
  const entries = Object.entries(value);
  if (entries.length > maxPids)
    throw new PerfError('PARSE_ERROR', `more than ${maxPids} pids`, { file });
  const out: Record<string, string | null> = {};
  for (const [pid, id] of entries) {
    const ok =
      /^[1-9]\d{0,9}$/.test(pid) &&
      (id === null ||
        (typeof id === 'string' &&
          id.length > 0 &&
          id.length <= maxContainerIdChars &&
          !/[\0-\x1f]/.test(id)));
    if (!ok)
      throw new PerfError('PARSE_ERROR', `not a pid and a container id: ${pid.slice(0, 20)}`, {
        file,
      });
    out[pid] = id as string | null;
  }
  return out;
}
