import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';

/**
 * The start-up settings the CLI shares with the agent: the same file can configure both, and a
 * command-line flag always wins over it. Unknown keys are kept for the agent and ignored here.
 */
export interface CliConfig {
  /** Where the file came from; null when none was found. */
  path: string | null;
  intervalMs?: number;
  root?: string;
  /** The agent's base URL, e.g. http://127.0.0.1:9464. */
  agentUrl?: string;
  /** A history database file the agent writes. */
  historyDb?: string;
  /** An alert rules file. */
  rules?: string;
  dockerSocket?: string;
  /** QMP sockets of QEMU VMs to watch (besides those found in the VM directory). */
  qmpSockets?: string[];
  /** A directory of `<vm-id>.qmp` sockets; perf-vmm's default when unset. */
  vmDir?: string;
  /** Extra cgroups (paths or globs) to show as containers. */
  cgroupPaths?: string[];
  /** Collectors to leave off (names as in the collector registry). */
  disabled?: string[];
}

/** Looked up in order when neither --config nor ARCBOX_PERF_CONFIG names a file. */
export function defaultConfigPaths(env: NodeJS.ProcessEnv): string[] {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return [join(base, 'arcbox-perf', 'config.json'), '/etc/arcbox-perf/config.json'];
}

export async function loadCliConfig(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<CliConfig> {
  const named = explicit ?? (env.ARCBOX_PERF_CONFIG || undefined);
  const candidates = named ? [named] : defaultConfigPaths(env);
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      // A missing default file is normal; a missing file the user named is an error.
      if (!named && (cause as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new PerfError('CONFIG_ERROR', `cannot read config file ${path}`, { file: path, cause });
    }
    return parseCliConfig(text, path);
  }
  return { path: null };
}

export function parseCliConfig(text: string, path: string): CliConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new PerfError('CONFIG_ERROR', 'config file is not valid JSON', { file: path, cause });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PerfError('CONFIG_ERROR', 'config file must hold a JSON object', { file: path });
  }
  const obj = raw as Record<string, unknown>;
  const config: CliConfig = { path };
  const bad = (field: string, want: string): never => {
    throw new PerfError('CONFIG_ERROR', `"${field}" must be ${want}`, { file: path, field });
  };
  const str = (field: string): string | undefined => {
    const v = obj[field];
    if (v === undefined) return undefined;
    return typeof v === 'string' && v !== '' ? v : bad(field, 'a non-empty string');
  };
  const strList = (field: string): string[] | undefined => {
    const v = obj[field];
    if (v === undefined) return undefined;
    return Array.isArray(v) && v.every((s) => typeof s === 'string')
      ? v
      : bad(field, 'a list of strings');
  };
  if (obj.intervalMs !== undefined) {
    const v = obj.intervalMs;
    config.intervalMs =
      typeof v === 'number' && Number.isInteger(v) && v >= 50
        ? v
        : bad('intervalMs', 'an integer >= 50');
  }
  const assign = <K extends keyof CliConfig>(key: K, value: CliConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  assign('root', str('root'));
  assign('agentUrl', str('agentUrl'));
  assign('historyDb', str('historyDb'));
  assign('rules', str('rules'));
  assign('dockerSocket', str('dockerSocket'));
  assign('qmpSockets', strList('qmpSockets'));
  assign('vmDir', str('vmDir'));
  assign('cgroupPaths', strList('cgroupPaths'));
  assign('disabled', strList('disabled'));
  return config;
}
