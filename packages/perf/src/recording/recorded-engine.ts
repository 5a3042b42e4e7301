import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type {
  DockerClient,
  DockerContainer,
  DockerContainerInspect,
  DockerEngineKind,
  DockerInfo,
  DockerStats,
  DockerVersion,
} from '@arcbox/perf-docker';
import { recordReply, replayReply } from './recorded-reply.js';
import type { RecordedTree } from './recording-files.js';
import { ENGINE_FOLDER } from './recording-layout.js';

// One file per call under `engine/`: version.json, info.json, containers.json (the list the
// client returns), inspect/<id>.json and stats/<id>.json (the engine's bodies as they came).
const SAFE_ID = /^[\w.-]{1,128}$/;
const MAX_CONTAINERS = 100_000;

const callFile = {
  version: () => 'version.json',
  info: () => 'info.json',
  list: (all: boolean) => (all ? 'containers-all.json' : 'containers.json'),
  inspect: (id: string) => `inspect/${id}.json`,
  stats: (id: string) => `stats/${id}.json`,
};

/**
 * Wraps a live engine client and writes every reply into the current reading's `engine/`
 * (`folder()` at call time), so a replay hands the same bodies to the same collector code.
 * `engine()` is answered from `version()` here, so the /version reply it rests on is recorded.
 */
export function createRecordingEngine(live: DockerClient, folder: () => string): DockerClient {
  const record = <T>(name: string, call: () => Promise<T>, signal?: AbortSignal) =>
    recordReply(join(folder(), ENGINE_FOLDER, name), call, signal);
  let engine: DockerEngineKind | null = null;
  const client: DockerClient = {
    socketPath: live.socketPath,
    version: (o = {}) => record(callFile.version(), () => live.version(o), o.signal),
    info: (o = {}) => record(callFile.info(), () => live.info(o), o.signal),
    async engine(o = {}) {
      engine ??= engineOf(await client.version(o));
      return engine;
    },
    listContainers: (o = {}) =>
      record(callFile.list(o.all === true), () => live.listContainers(o), o.signal),
    // An id the engine client refuses is refused before any file is named after it.
    inspect: (id, o = {}) =>
      SAFE_ID.test(id)
        ? record(callFile.inspect(id), () => live.inspect(id, o), o.signal)
        : live.inspect(id, o),
    stats: (id, o = {}) =>
      SAFE_ID.test(id)
        ? record(callFile.stats(id), () => live.stats(id, o), o.signal)
        : live.stats(id, o),
  };
  return client;
}

/**
 * An engine client answering from the reading being replayed (`tree()` at call time). A call
 * the recording has no reply for fails as an engine that does not answer; every reply is
 * checked for the shape the live client guarantees.
 */
export function createReplayEngine(tree: () => RecordedTree, socketPath: string): DockerClient {
  const reply = (name: string): unknown => {
    const found = replayReply(tree(), `${ENGINE_FOLDER}/${name}`);
    if (found === undefined)
      throw new PerfError('CONNECTION_ERROR', `the engine's reply was not recorded`, {
        file: join(tree().root, ENGINE_FOLDER, name),
      });
    return found.value;
  };
  const where = (name: string) => join(tree().root, ENGINE_FOLDER, name);
  const objectOf = <T>(name: string, nullable: boolean): T | null => {
    const value = reply(name);
    if (value === null && nullable) return null;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      throw new PerfError('PROTOCOL_ERROR', 'expected a JSON object', { file: where(name) });
    return value as T;
  };
  const checkId = (id: string) => {
    if (!SAFE_ID.test(id))
      throw new PerfError('INVALID_ARGUMENT', `not a container id or name: ${id.slice(0, 80)}`, {
        field: 'id',
      });
  };
  let engine: DockerEngineKind | null = null;
  const client: DockerClient = {
    socketPath,
    version: async () => objectOf<DockerVersion>(callFile.version(), false) as DockerVersion,
    info: async () => objectOf<DockerInfo>(callFile.info(), false) as DockerInfo,
    async engine(o = {}) {
      engine ??= engineOf(await client.version(o));
      return engine;
    },
    async listContainers(o = {}) {
      const name = callFile.list(o.all === true);
      return containerList(reply(name), where(name));
    },
    async inspect(id) {
      checkId(id);
      return objectOf<DockerContainerInspect>(callFile.inspect(id), true);
    },
    async stats(id) {
      checkId(id);
      return objectOf<DockerStats>(callFile.stats(id), true);
    },
  };
  return client;
}

/** Podman names itself in /version's components, as perf-docker's `engineOf` reads it. */
function engineOf(version: DockerVersion): DockerEngineKind {
  const components = Array.isArray(version.Components) ? version.Components : [];
  return components.some((c) => typeof c?.Name === 'string' && /podman/i.test(c.Name))
    ? 'podman'
    : 'docker';
}

function containerList(value: unknown, file: string): DockerContainer[] {
  if (!Array.isArray(value) || value.length > MAX_CONTAINERS)
    throw new PerfError('PROTOCOL_ERROR', 'expected a JSON array of containers', { file });
  return value.map((c, i) => {
    const bad = (field: string): never => {
      throw new PerfError(
        'PROTOCOL_ERROR',
        `container ${i}: ${field} is not what the engine sends`,
        {
          file,
          field,
        },
      );
    };
    if (c === null || typeof c !== 'object') return bad('entry');
    const e = c as Record<string, unknown>;
    const text = (v: unknown, field: string) =>
      v === null ? null : typeof v === 'string' ? v : bad(field);
    if (typeof e.id !== 'string' || typeof e.name !== 'string') return bad('id/name');
    const labels = e.labels ?? {};
    if (
      labels === null ||
      typeof labels !== 'object' ||
      Array.isArray(labels) ||
      !Object.values(labels).every((v) => typeof v === 'string')
    )
      return bad('labels');
    return {
      id: e.id,
      name: e.name,
      image: text(e.image ?? null, 'image'),
      state: text(e.state ?? null, 'state'),
      labels: labels as Record<string, string>,
    };
  });
}
