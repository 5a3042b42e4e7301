import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeLifecycleEvent, type KindRegistry } from '@arcbox/perf-core';
import type { AgentSample } from '../sampler/agent-sample.js';
import type { AgentState } from './agent-state.js';
import { streamJson } from './sample-json.js';
import { parseStreamFields, type StreamFields } from './stream-fields.js';
import { HttpError } from './http-error.js';

/** A stream client whose unsent data passes this is dropped rather than buffered without bound. */
export const MAX_STREAM_BACKLOG_BYTES = 8 * 1024 * 1024;

export interface StreamReplayLimits {
  /** Events kept for a reconnecting client (`Last-Event-ID`), and their bytes at the most. */
  maxEvents: number;
  maxBytes: number;
  /** How long events are still kept once the last client left (a reconnect takes a few s). */
  graceMs: number;
}

/** Ten minutes at 1 Hz, 8 MiB at the most; kept for 2 min after the last client left. */
export const STREAM_REPLAY: StreamReplayLimits = {
  maxEvents: 600,
  maxBytes: 8 * 1024 * 1024,
  graceMs: 120_000,
};

/** Field selections (stream-fields.ts) recorded at once; one more is refused until one ends. */
export const MAX_STREAM_SELECTIONS = 4;

/** The full stream's selection name. */
const FULL = '';

interface Entry {
  seq: number;
  /** The event as each selection sends it (a lifecycle event: the same text for every one). */
  texts: Map<string, string>;
  shared: string | null;
}

interface Client {
  res: ServerResponse;
  selection: string;
}

/**
 * `/api/v1/stream`: Server-Sent Events, one `sample` per round and one `lifecycle` per lifecycle
 * event, each with an `id:`, and `alerts` (the list /api/v1/alerts answers) on connecting and
 * whenever it changes, so a page need not poll it (`<run>-<n>`, the run so an id from before a restart is not taken
 * for one of this run). A client that reconnects with `Last-Event-ID` is sent the events it
 * missed from a bounded buffer, so its charts have no gap; events are recorded (serialized once,
 * for every client) only while a client is connected and for `graceMs` after the last left.
 */
export function createEventStream(
  state: AgentState,
  kinds: KindRegistry,
  limits: StreamReplayLimits = STREAM_REPLAY,
) {
  const clients = new Set<Client>();
  /** The selections of clients connected now or since the stream was last forgotten. */
  const selections = new Map<string, StreamFields | null>([[FULL, null]]);
  const run = Date.now().toString(36);
  const ring: Entry[] = [];
  let bytes = 0;
  let seq = 0;
  let lastSample: { sample: AgentSample; entry: Entry } | null = null;
  let unsubscribe: (() => void) | null = null;
  let grace: NodeJS.Timeout | null = null;

  const frame = (n: number, event: string, data: string) =>
    `id: ${run}-${n}\nevent: ${event}\ndata: ${data}\n\n`;
  const sizeOf = (entry: Entry) =>
    entry.shared?.length ?? [...entry.texts.values()].reduce((n, t) => n + t.length, 0);

  function keep(entry: Entry): Entry {
    ring.push(entry);
    bytes += sizeOf(entry);
    while (ring.length > limits.maxEvents || (bytes > limits.maxBytes && ring.length > 1))
      bytes -= sizeOf(ring.shift()!);
    return entry;
  }

  const record = (event: string, data: string): Entry => {
    seq += 1;
    return keep({ seq, texts: new Map(), shared: frame(seq, event, data) });
  };

  /** A sample's event, serialized once per selection in use (for every client of it). */
  function sampleEntry(sample: AgentSample): Entry {
    if (lastSample?.sample !== sample) {
      seq += 1;
      const texts = new Map<string, string>();
      for (const [name, fields] of selections)
        texts.set(name, frame(seq, 'sample', streamJson(sample, kinds, fields)));
      lastSample = { sample, entry: keep({ seq, texts, shared: null }) };
    }
    return lastSample.entry;
  }

  /** `entry` as `selection` sends it; null when it was recorded before that selection was used. */
  function textOf(entry: Entry, selection: string): string | null {
    if (entry.shared !== null) return entry.shared;
    const text = entry.texts.get(selection);
    if (text !== undefined) return text;
    // The newest sample can still be serialized for a selection that came after it.
    if (lastSample?.entry !== entry) return null;
    const made = frame(
      entry.seq,
      'sample',
      streamJson(lastSample.sample, kinds, selections.get(selection)),
    );
    entry.texts.set(selection, made);
    bytes += made.length;
    return made;
  }

  function write(res: ServerResponse, text: string | null): void {
    if (text === null) return;
    // A client that does not read is dropped rather than buffered without bound.
    if (res.writableLength > MAX_STREAM_BACKLOG_BYTES) res.destroy();
    else res.write(text);
  }

  const broadcast = (entry: Entry) => {
    for (const client of clients) write(client.res, textOf(entry, client.selection));
  };

  // Alerts are a state, not a log: sent whole when they change and to each client as it
  // (re)connects, with no id (a reconnect resumes from the last sample's), never replayed.
  let alertsSent: string | null = null;
  const alertsFrame = (text: string) => `event: alerts\ndata: ${text}\n\n`;
  const alertsText = () => JSON.stringify({ alerts: state.alerts() });

  function sendAlertsIfChanged(): void {
    const text = alertsText();
    if (text === alertsSent) return;
    alertsSent = text;
    for (const client of clients) write(client.res, alertsFrame(text));
  }

  function listen(): void {
    if (grace) clearTimeout(grace);
    grace = null;
    if (unsubscribe) return;
    const samples = state.subscribe((sample) => {
      broadcast(sampleEntry(sample));
      sendAlertsIfChanged();
    });
    const events =
      state.subscribeEvents?.((event) =>
        broadcast(
          record('lifecycle', JSON.stringify({ ...event, message: describeLifecycleEvent(event) })),
        ),
      ) ?? (() => undefined);
    unsubscribe = () => {
      samples();
      events();
    };
  }

  function forget(): void {
    unsubscribe?.();
    unsubscribe = null;
    ring.length = 0;
    bytes = 0;
    lastSample = null;
    for (const name of selections.keys()) if (name !== FULL) selections.delete(name);
  }

  /** The `<n>` of a Last-Event-ID this run gave, else null (absent, odd, or another run's). */
  function lastSeen(header: string | string[] | undefined): number | null {
    if (typeof header !== 'string' || header.length > 40) return null;
    const m = /^([0-9a-z]{1,12})-(\d{1,15})$/.exec(header);
    if (!m || m[1] !== run) return null;
    const n = Number(m[2]);
    return n <= seq ? n : null;
  }

  return {
    get clients() {
      return clients.size;
    },
    open(req: IncomingMessage, res: ServerResponse, url: URL): void {
      const asked = parseStreamFields(url.searchParams, kinds);
      const selection = asked?.name ?? FULL;
      if (asked && !selections.has(selection)) {
        if (selections.size > MAX_STREAM_SELECTIONS)
          throw new HttpError(
            429,
            `${MAX_STREAM_SELECTIONS} field selections are streamed already; retry later or ask for the same fields`,
          );
        selections.set(selection, asked.fields);
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // HEAD asks for the headers only: nothing to subscribe to.
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      res.write(': arcbox-perf agent stream\nretry: 2000\n\n');
      listen();
      const after = lastSeen(req.headers['last-event-id']);
      const missed = after === null ? [] : ring.filter((e) => e.seq > after);
      for (const entry of missed) write(res, textOf(entry, selection));
      // Nothing to replay (a new client, or one whose events are gone): the newest sample.
      if (missed.length === 0 && after !== seq) {
        const first = state.latest();
        if (first) write(res, textOf(sampleEntry(first), selection));
      }
      // With others connected, `alertsSent` stays theirs: a change since goes to every client
      // at the next round (this one then gets it twice).
      const alertsNow = alertsText();
      if (clients.size === 0) alertsSent = alertsNow;
      write(res, alertsFrame(alertsNow));
      const client = { res, selection };
      clients.add(client);
      const end = () => {
        if (!clients.delete(client) || clients.size > 0) return;
        grace = setTimeout(forget, limits.graceMs);
        grace.unref();
      };
      req.once('close', end);
      res.once('close', end);
    },
    close(): void {
      for (const client of clients) client.res.end();
      clients.clear();
      if (grace) clearTimeout(grace);
      grace = null;
      forget();
    },
  };
}
