import { type PostReply, postBody } from './post-body.js';
import { snappyCompress } from './snappy-block.js';
import { encodeWriteRequest } from './encode-write-request.js';
import type { RemoteSeries } from './write-request.js';

/** Where and how to push; secrets are never logged. */
export interface RemoteWriteTarget {
  url: string;
  headers?: Readonly<Record<string, string>>;
  basicAuth?: { username: string; password: string };
  bearerToken?: string;
  /** Per request, connection to the end of the reply. */
  timeoutMs: number;
}

/** ok: acknowledged; retry: 5xx, 429, network error or timeout; drop: any other 4xx. */
export type SendOutcome =
  | { outcome: 'ok'; status: number }
  | { outcome: 'retry'; status: number | null; reason: string }
  | { outcome: 'drop'; status: number; reason: string };

/** The headers remote write 1.0 documents. */
export const REMOTE_WRITE_HEADERS = {
  'content-encoding': 'snappy',
  'content-type': 'application/x-protobuf',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

const MAX_REASON_BYTES = 512;

/**
 * Encodes, compresses and POSTs one WriteRequest. Never throws for the receiver's sake: every
 * answer is classified as the remote write spec asks (retry 5xx and 429, drop other 4xx).
 * Only the first bytes of an error body are read, for the log line.
 */
export async function sendWriteRequest(
  target: RemoteWriteTarget,
  series: readonly RemoteSeries[],
  options: { signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<SendOutcome> {
  return postWriteRequest(target, snappyCompress(encodeWriteRequest(series)), options);
}

/** POSTs an already encoded and snappy-compressed WriteRequest; classified as above. */
export async function postWriteRequest(
  target: RemoteWriteTarget,
  body: Buffer,
  options: { signal?: AbortSignal; fetch?: typeof fetch } = {},
): Promise<SendOutcome> {
  const headers: Record<string, string> = {
    ...target.headers,
    ...REMOTE_WRITE_HEADERS,
    'user-agent': 'arcbox-perf-remote-write',
  };
  if (target.bearerToken !== undefined) headers.authorization = `Bearer ${target.bearerToken}`;
  else if (target.basicAuth !== undefined) {
    const { username, password } = target.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }
  const timeout = AbortSignal.timeout(target.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const failed = (error: unknown): SendOutcome => {
    if (options.signal?.aborted) throw error;
    const reason = timeout.aborted ? `no answer within ${target.timeoutMs} ms` : errorText(error);
    return { outcome: 'retry', status: null, reason };
  };
  const outcome = (status: number, reason: () => string): SendOutcome => {
    if (status >= 200 && status < 300) return { outcome: 'ok', status };
    const why = `HTTP ${status}: ${reason()}`;
    if (status === 429 || status >= 500) return { outcome: 'retry', status, reason: why };
    return { outcome: 'drop', status, reason: why };
  };
  if (options.fetch === undefined) {
    let reply: PostReply;
    try {
      reply = await postBody(new URL(target.url), headers, body, MAX_REASON_BYTES, signal);
    } catch (error) {
      return failed(error);
    }
    return outcome(reply.status, () => reasonText(reply.start));
  }
  let res: Response;
  try {
    res = await options.fetch(target.url, { method: 'POST', headers, body, signal });
  } catch (error) {
    return failed(error);
  }
  try {
    const start = res.ok ? Buffer.alloc(0) : await readStart(res);
    return outcome(res.status, () => reasonText(start));
  } finally {
    await res.body?.cancel().catch(() => undefined);
  }
}

function errorText(error: unknown): string {
  const e = error as {
    code?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  return e.cause?.code ?? e.cause?.message ?? e.code ?? e.message ?? String(error);
}

/** The start of a reply's body as one line. */
function reasonText(start: Buffer): string {
  return start.subarray(0, MAX_REASON_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
}

/** The first MAX_REASON_BYTES (or a little more) of a fetch reply's body. */
async function readStart(res: Response): Promise<Buffer> {
  const reader = res.body?.getReader();
  if (!reader) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < MAX_REASON_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off is still a reason: keep what came.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks);
}
