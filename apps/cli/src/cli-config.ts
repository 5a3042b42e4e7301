import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';

/**
 * What the CLI takes from the agent's config file (apps/agent: YAML or JSON), so one file sets
 * up both: the sampling interval and root, the extra cgroups and VM sockets to watch, where the
 * agent listens (for `history`) and its token. Keys that
 * only the agent uses are ignored here; the agent validates the whole file
 * (`arcbox-perf-agent --check-config`). A command-line flag always wins over the file.
 */
export interface CliConfig {
  /** Where the file came from; null when none was found. */
  path: string | null;
  intervalMs?: number;
  root?: string;
  /** `http://<listen>` of the agent. */
  agentUrl?: string;
  authToken?: string;
  /** sources.containers.paths: extra cgroups (paths or globs) shown as containers. */
  cgroupPaths?: string[];
  /** sources.vms.socketDir: a directory of `<vm-id>.qmp` sockets. */
  vmDir?: string;
  /** sources.vms.sockets: QMP sockets of QEMU VMs. */
  qmpSockets?: string[];
  dockerSocket?: string;
}

/** The agent's own lookup order: $XDG_CONFIG_HOME/arcbox-perf/agent.{yaml,yml,json}, then /etc. */
export function defaultConfigPaths(env: NodeJS.ProcessEnv): string[] {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const names = ['agent.yaml', 'agent.yml', 'agent.json'];
  return [
    ...names.map((n) => join(base, 'arcbox-perf', n)),
    ...names.map((n) => join('/etc/arcbox-perf', n)),
  ];
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
    return parseCliConfig(await parseDocument(text, path), path);
  }
  return { path: null };
}

/** JSON for .json files; YAML otherwise (loaded only then, to keep start-up short). */
async function parseDocument(text: string, path: string): Promise<unknown> {
  if (path.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new PerfError('CONFIG_ERROR', 'config file is not valid JSON', { file: path, cause });
    }
  }
  const { parse } = await import('yaml');
  try {
    return parse(text);
  } catch (cause) {
    throw new PerfError(
      'CONFIG_ERROR',
      `config file is not valid YAML: ${(cause as Error).message}`,
      { file: path, cause },
    );
  }
}

const durationUnits: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The agent's duration syntax: "500ms", "10s", "1h30m"; a unit is required. */
export function parseDurationMs(text: string): number | null {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) return null;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (durationUnits[p[2]!] ?? 0), 0);
}

export function parseCliConfig(raw: unknown, path: string): CliConfig {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (raw === null || raw === undefined) return { path };
  if (!isObject(raw))
    throw new PerfError('CONFIG_ERROR', 'config file must hold a mapping of settings', {
      file: path,
    });
  const bad = (field: string, want: string): never => {
    throw new PerfError('CONFIG_ERROR', `${field} must be ${want}`, { file: path, field });
  };
  const str = (v: unknown, field: string): string | undefined =>
    v === undefined || v === null
      ? undefined
      : typeof v === 'string' && v !== ''
        ? v
        : bad(field, 'a non-empty string');
  const strList = (v: unknown, field: string): string[] | undefined =>
    v === undefined || v === null
      ? undefined
      : Array.isArray(v) && v.every((s) => typeof s === 'string')
        ? v
        : bad(field, 'a list of strings');
  const section = (v: unknown, field: string): Record<string, unknown> =>
    v === undefined || v === null ? {} : isObject(v) ? v : bad(field, 'a mapping');

  const config: CliConfig = { path };
  const set = <K extends keyof CliConfig>(key: K, value: CliConfig[K] | undefined) => {
    if (value !== undefined) config[key] = value;
  };
  if (raw.interval !== undefined) {
    const ms = typeof raw.interval === 'string' ? parseDurationMs(raw.interval) : null;
    if (ms === null || ms < 50)
      bad('interval', 'a duration of at least 50ms, such as "1s" or "500ms"');
    set('intervalMs', ms ?? undefined);
  }
  set('root', str(raw.root, 'root'));
  const listen = str(raw.listen, 'listen');
  if (listen !== undefined) {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(listen);
    if (!m) bad('listen', 'HOST:PORT');
    const host = m?.[1] ? `[${m[1]}]` : !m?.[2] || m[2] === '0.0.0.0' ? '127.0.0.1' : m[2];
    set('agentUrl', `http://${host}:${m?.[3]}`);
  }
  set('authToken', str(raw.authToken, 'authToken'));
  const sources = section(raw.sources, 'sources');
  set(
    'cgroupPaths',
    strList(section(sources.containers, 'sources.containers').paths, 'sources.containers.paths'),
  );
  const vms = section(sources.vms, 'sources.vms');
  set('vmDir', str(vms.socketDir, 'sources.vms.socketDir'));
  set('qmpSockets', strList(vms.sockets, 'sources.vms.sockets'));
  set(
    'dockerSocket',
    str(section(sources.docker, 'sources.docker').socket, 'sources.docker.socket'),
  );
  return config;
}
