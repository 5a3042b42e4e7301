import { PerfError } from '@arcbox/perf-core';
import { resolveDockerSocket } from './docker-socket.js';
import type {
  DockerContainer,
  DockerContainerInspect,
  DockerContainerLimits,
  DockerContainerSummary,
  DockerEngineKind,
  DockerInfo,
  DockerStats,
  DockerVersion,
} from './docker-types.js';
import { createConcurrencyLimit } from './limit-concurrency.js';
import { unixHttpGet } from './unix-http-get.js';

export interface DockerClientOptions {
  /** Unix socket path; else DOCKER_HOST (unix://), else /var/run/docker.sock. */
  socketPath?: string;
  /** Per-request timeout; 5 s by default. */
  timeoutMs?: number;
  /** Requests in flight at once (a stats call per container); 4 by default. */
  concurrency?: number;
  env?: NodeJS.ProcessEnv;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** A Docker Engine API client over a unix socket: Docker, or Podman's compatible service. */
export interface DockerClient {
  readonly socketPath: string;
  version(options?: RequestOptions): Promise<DockerVersion>;
  info(options?: RequestOptions): Promise<DockerInfo>;
  /** Which engine answers, from `/version` (cached once known). */
  engine(options?: RequestOptions): Promise<DockerEngineKind>;
  /** Running containers (all of them with `all: true`). */
  listContainers(options?: RequestOptions & { all?: boolean }): Promise<DockerContainer[]>;
  /**
   * One stats sample (`stream=false&one-shot=true`). null when the engine has no running
   * container by that id: 404 (gone), or 200 with an empty body (created, not started).
   */
  stats(id: string, options?: RequestOptions): Promise<DockerStats | null>;
  /** `/containers/{id}/json`; null when there is no such container. */
  inspect(id: string, options?: RequestOptions): Promise<DockerContainerInspect | null>;
}

export function createDockerClient(options: DockerClientOptions = {}): DockerClient {
  const socketPath = resolveDockerSocket(options.socketPath, options.env);
  const timeoutMs = options.timeoutMs ?? 5000;
  const limit = createConcurrencyLimit(options.concurrency ?? 4);
  let engine: DockerEngineKind | null = null;

  const getJson = async (
    path: string,
    signal: AbortSignal | undefined,
    allow404 = false,
  ): Promise<unknown> => {
    const res = await limit(() => unixHttpGet(socketPath, path, { signal, timeoutMs }));
    if (allow404 && res.status === 404) return null;
    if (res.status < 200 || res.status >= 300) {
      throw new PerfError(
        'PROTOCOL_ERROR',
        `GET ${path}: HTTP ${res.status}${engineMessage(res.body)}`,
        { file: path },
      );
    }
    if (res.body.trim() === '') return null;
    try {
      return JSON.parse(res.body);
    } catch (error) {
      throw new PerfError(
        'PARSE_ERROR',
        `GET ${path}: malformed JSON (${(error as Error).message})`,
        { file: path, cause: error },
      );
    }
  };

  const object = <T>(value: unknown, path: string): T => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new PerfError('PROTOCOL_ERROR', `GET ${path}: expected a JSON object`, { file: path });
    }
    return value as T;
  };

  return {
    socketPath,
    async version({ signal } = {}) {
      return object<DockerVersion>(await getJson('/version', signal), '/version');
    },
    async info({ signal } = {}) {
      return object<DockerInfo>(await getJson('/info', signal), '/info');
    },
    async engine({ signal } = {}) {
      if (engine) return engine;
      engine = engineOf(await this.version({ signal }));
      return engine;
    },
    async listContainers({ signal, all = false } = {}) {
      const path = `/containers/json${all ? '?all=true' : ''}`;
      const body = await getJson(path, signal);
      if (!Array.isArray(body))
        throw new PerfError('PROTOCOL_ERROR', `GET ${path}: expected a JSON array`, { file: path });
      return body
        .filter((c): c is DockerContainerSummary => typeof c?.Id === 'string')
        .map(toContainer);
    },
    async inspect(id, { signal } = {}) {
      const path = `/containers/${checkId(id)}/json`;
      const body = await getJson(path, signal, true);
      return body === null ? null : object<DockerContainerInspect>(body, path);
    },
    async stats(id, { signal } = {}) {
      const path = `/containers/${checkId(id)}/stats?stream=false&one-shot=true`;
      const body = await getJson(path, signal, true);
      return body === null ? null : object<DockerStats>(body, path);
    },
  };
}

/** Podman names itself in /version's components ("Podman Engine"); anything else is Docker. */
export function engineOf(version: DockerVersion): DockerEngineKind {
  const names = (version.Components ?? []).map((c) => c.Name ?? '');
  return names.some((n) => /podman/i.test(n)) ? 'podman' : 'docker';
}

function checkId(id: string): string {
  if (!/^[\w.-]+$/.test(id)) {
    throw new PerfError('INVALID_ARGUMENT', `not a container id or name: ${id}`, { field: 'id' });
  }
  return encodeURIComponent(id);
}

/**
 * Limits as configured (HostConfig): absent, 0 or a negative value means none. A value that is
 * not a whole number below 2^53 (Docker sends int64s) says neither "none" nor a limit: that is
 * a PARSE_ERROR naming the field, so the caller goes on as if it had no inspect at all.
 */
export function limitsFromInspect(inspect: DockerContainerInspect): DockerContainerLimits {
  const h = inspect.HostConfig ?? {};
  const positive = (v: unknown, field: string): number | null => {
    if (typeof v !== 'number' || v <= 0) return null;
    if (Number.isSafeInteger(v)) return v;
    throw new PerfError('PARSE_ERROR', `HostConfig.${field}: not a whole number below 2^53: ${v}`, {
      field: `HostConfig.${field}`,
    });
  };
  const nano = positive(h.NanoCpus, 'NanoCpus');
  const quota = positive(h.CpuQuota, 'CpuQuota');
  const period = positive(h.CpuPeriod, 'CpuPeriod') ?? 100_000;
  return {
    memoryLimit: positive(h.Memory, 'Memory'),
    cpuLimitCores: nano !== null ? nano / 1e9 : quota !== null ? quota / period : null,
    pidsLimit: positive(h.PidsLimit, 'PidsLimit'),
  };
}

/**
 * Host facts from `/info`: memory in bytes and online CPUs, each null unless a whole number
 * below 2^53 (CPUs: at least 1). They only refine a reading (limit rule, CPU count fallback),
 * so an odd one is left out rather than failing anything.
 */
export function hostFromInfo(info: DockerInfo): { memory: number | null; cpus: number | null } {
  const whole = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
  const memory = whole(info.MemTotal);
  const cpus = whole(info.NCPU);
  return {
    memory: memory !== null && memory > 0 ? memory : null,
    cpus: cpus !== null && cpus > 0 ? cpus : null,
  };
}

function toContainer(c: DockerContainerSummary): DockerContainer {
  const name = c.Names?.[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
  return { id: c.Id, name, image: c.Image ?? null, state: c.State ?? null, labels: c.Labels ?? {} };
}

function engineMessage(body: string): string {
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? `: ${message}` : '';
  } catch {
    return '';
  }
}
