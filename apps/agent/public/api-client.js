// The dashboard's way to the agent's API: the token kept for the session (sessionStorage), sent
// as `Authorization: Bearer` on every call and on the event stream, never in a URL. The stream is
// read with fetch (an EventSource cannot send a header) and parsed as Server-Sent Events.
const KEY = 'arcbox-perf-token';
// A link with `?token=` (the old way) is taken once into the session and out of the address bar.
const params = new URLSearchParams(location.search);
if (params.has('token')) {
  sessionStorage.setItem(KEY, params.get('token') ?? '');
  params.delete('token');
  const query = params.toString();
  history.replaceState(null, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
}
let token = sessionStorage.getItem(KEY) || null;
const unauthorisedListeners = new Set();

const headers = () => (token ? { authorization: `Bearer ${token}` } : {});

function unauthorised() {
  for (const listener of unauthorisedListeners) listener({ tokenRefused: token !== null });
}

/** GET `path`; a 401 tells every `onUnauthorised` listener. Network errors reject. */
async function get(path, { signal } = {}) {
  const res = await fetch(path, { headers: headers(), cache: 'no-store', signal });
  if (res.status === 401) unauthorised();
  return res;
}

/**
 * Reads `path` as Server-Sent Events with the token in a header, reconnecting after the
 * server's `retry:` (2 s by default) with the last event's id in `Last-Event-ID`, so the
 * agent sends what was missed meanwhile. `on` maps event names to handlers of the data text;
 * `open` and `error` are called as the connection comes and goes. A 401 ends it.
 */
function stream(path, on) {
  const controller = new AbortController();
  let retryMs = 2000;
  let closed = false;
  let lastEventId = '';

  async function readOnce() {
    const res = await fetch(path, {
      headers: {
        ...headers(),
        accept: 'text/event-stream',
        ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
      },
      cache: 'no-store',
      signal: controller.signal,
    });
    if (res.status === 401) {
      closed = true;
      unauthorised();
      return;
    }
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    on.open?.();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      // Events end with a blank line; the agent writes `\n` line ends.
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        dispatch(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
      }
      // A stream that never ends an event is not buffered without bound.
      if (buffer.length > 16 * 1024 * 1024) throw new Error('stream event too large');
    }
  }

  function dispatch(block) {
    let event = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
      else if (field === 'id' && value.length <= 64 && !value.includes('\0')) lastEventId = value;
    }
    if (data.length > 0) on[event]?.(data.join('\n'));
  }

  (async () => {
    while (!closed) {
      try {
        await readOnce();
      } catch {
        if (controller.signal.aborted) return;
      }
      if (closed) return;
      on.error?.();
      await new Promise((r) => setTimeout(r, retryMs));
    }
  })();

  return {
    close() {
      closed = true;
      controller.abort();
    },
  };
}

export const api = {
  get,
  stream,
  /** Keeps `value` for this browser session (the tab) and uses it from now on. */
  setToken(value) {
    token = value;
    sessionStorage.setItem(KEY, value);
  },
  onUnauthorised(listener) {
    unauthorisedListeners.add(listener);
  },
};
