import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type LifecycleEvent, LIFECYCLE_EVENT_TYPES, PerfError } from '@arcbox/perf-core';
import type { EngineEvent } from '@arcbox/perf-docker';
import { replayReply } from './recorded-reply.js';
import type { RecordedTree } from './recording-files.js';
import { ENGINE_FOLDER } from './recording-layout.js';

type DockerModule = typeof import('@arcbox/perf-docker');

// `engine/events.json` of a reading: the engine's /events that arrived since the last reading,
// as a recorded reply (`{"return": [EngineEvent, ...]}`).
const EVENTS_FILE = 'events.json';
/** Events one reading keeps at most; past it the newest are dropped (and a replay refuses more). */
export const MAX_RECORDED_EVENTS = 10_000;
const MAX_TEXT = 256;

export interface EngineEventRecorder {
  /** Writes the events since the last call into `folder`'s `engine/events.json`. */
  write(folder: string): Promise<void>;
  close(): Promise<void>;
}

/** Watches the engine's `/events` while a recording runs, keeping each reading's events. */
export function createEngineEventRecorder(
  docker: DockerModule,
  socketPath: string,
): EngineEventRecorder {
  const controller = new AbortController();
  let pending: EngineEvent[] = [];
  const done = docker.watchEngineEvents({
    socketPath,
    signal: controller.signal,
    onEvent: (e) => {
      if (pending.length < MAX_RECORDED_EVENTS) pending.push(e);
    },
  });
  return {
    async write(folder) {
      const taken = pending;
      pending = [];
      const dir = join(folder, ENGINE_FOLDER);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, EVENTS_FILE), `${JSON.stringify({ return: taken })}\n`);
    },
    async close() {
      controller.abort();
      await done;
    },
  };
}

const types = new Set<string>(LIFECYCLE_EVENT_TYPES);

/**
 * The engine events a reading recorded, as the live event source publishes them. None when the
 * reading has no `engine/events.json`; a reply that is not an array or holds more than
 * MAX_RECORDED_EVENTS is a PROTOCOL_ERROR; an entry of the wrong shape is skipped.
 */
export function replayEngineEvents(tree: RecordedTree): LifecycleEvent[] {
  const found = replayReply(tree, `${ENGINE_FOLDER}/${EVENTS_FILE}`);
  if (found === undefined) return [];
  const file = join(tree.root, ENGINE_FOLDER, EVENTS_FILE);
  if (!Array.isArray(found.value) || found.value.length > MAX_RECORDED_EVENTS)
    throw new PerfError(
      'PROTOCOL_ERROR',
      `recorded engine events: expected an array of at most ${MAX_RECORDED_EVENTS}`,
      { file },
    );
  const out: LifecycleEvent[] = [];
  for (const raw of found.value) {
    const e = (raw ?? {}) as Record<string, unknown>;
    const text = (v: unknown): v is string =>
      typeof v === 'string' && v.length > 0 && v.length <= MAX_TEXT;
    const code = e.exitCode;
    if (
      typeof e.time !== 'number' ||
      !Number.isFinite(e.time) ||
      typeof e.type !== 'string' ||
      !types.has(e.type) ||
      e.type === 'oom-kill' ||
      !text(e.id) ||
      !text(e.name) ||
      !(code === null || (typeof code === 'number' && Number.isSafeInteger(code)))
    )
      continue;
    out.push({
      time: e.time,
      type: e.type as LifecycleEvent['type'],
      kind: 'container',
      id: e.id,
      name: e.name,
      source: 'engine',
      count: 1,
      memoryLimit: null,
      exitCode: code as number | null,
    });
  }
  return out;
}
