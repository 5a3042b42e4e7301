import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { DarwinOs, OsCpuTimes } from './darwin-cpu.js';
import { plainRecordedFileRead, type RecordedFileRead } from './recorded-file-read.js';
import { CPUS_FILE, LOADAVG_FILE } from './recording-layout.js';

export interface RecordingOs {
  /** Hands the collector what node:os returns, keeping the last values for `write`. */
  os: DarwinOs;
  /** Saves what os.cpus() and os.loadavg() returned in this reading under `folder/os/`. */
  write(folder: string): Promise<void>;
}

/** Records what the darwin collector took from node:os (no process: nothing else to capture). */
export function createRecordingOs(live: DarwinOs): RecordingOs {
  let cpus: unknown = [];
  let loadavg: unknown = [];
  return {
    os: {
      cpus: () => {
        const value = live.cpus();
        cpus = value;
        return value;
      },
      loadavg: () => {
        const value = live.loadavg();
        loadavg = value;
        return value;
      },
    },
    async write(folder) {
      await mkdir(join(folder, 'os'), { recursive: true });
      await writeFile(join(folder, CPUS_FILE), `${JSON.stringify(cpus, null, 2)}\n`);
      await writeFile(join(folder, LOADAVG_FILE), `${JSON.stringify(loadavg)}\n`);
    },
  };
}

export interface ReplayOs {
  /** What the collector reads as node:os: the values `load` read last. */
  os: DarwinOs;
  /** Reads and checks `folder/os/cpus.json` and `loadavg.json`; a missing one is MISSING_FILE. */
  load(folder: string, options: { signal: AbortSignal }): Promise<void>;
}

/** node:os as a darwin recording saved it, checked as untrusted input. */
export function createReplayOs(read: RecordedFileRead = plainRecordedFileRead): ReplayOs {
  let cpus: OsCpuTimes[] = [];
  let loadavg: number[] = [];
  const readJson = async (file: string, signal: AbortSignal): Promise<unknown> => {
    const text = await read(file, { signal });
    if (text === null) throw new PerfError('MISSING_FILE', 'cannot read recording file', { file });
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new PerfError('PARSE_ERROR', 'invalid JSON', { cause: error, file });
    }
  };
  return {
    os: { cpus: () => cpus, loadavg: () => loadavg },
    async load(folder, { signal }) {
      const cpusFile = join(folder, CPUS_FILE);
      const loadFile = join(folder, LOADAVG_FILE);
      cpus = readCpus(await readJson(cpusFile, signal), cpusFile);
      loadavg = readNumbers(await readJson(loadFile, signal), loadFile);
    },
  };
}

// os.cpus() lists one entry per core; a few thousand is more than any Mac has.
const MAX_RECORDED_CPUS = 4096;

function readCpus(value: unknown, file: string): OsCpuTimes[] {
  if (!Array.isArray(value))
    throw new PerfError('PARSE_ERROR', 'expected an array of os.cpus() entries', { file });
  if (value.length > MAX_RECORDED_CPUS)
    throw new PerfError('PARSE_ERROR', `more than ${MAX_RECORDED_CPUS} CPUs`, { file });
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
  if (
    !Array.isArray(value) ||
    value.length > 3 ||
    !value.every((x) => typeof x === 'number' && Number.isFinite(x))
  ) {
    throw new PerfError('PARSE_ERROR', 'expected an array of up to 3 numbers', { file });
  }
  return value;
}
