import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatDuration, PerfError } from '@arcbox/perf-core';
import type { Aggregation, HistoryStore, RangeQuery, RangeResult } from '@arcbox/perf-history';
import { badParameter, HttpError } from './http-error.js';
import { parseStepParam, parseTimeParam } from './parse-query.js';
import { createQueryLimiter } from './query-limiter.js';

export interface HistoryLimits {
  /** Numbers in one answer: points x (fields + the timestamp). */
  maxValues: number;
  /** Bytes of one answer's JSON (a number takes at most 24 characters and a comma). */
  maxBytes: number;
  /** Queries computed at once; more wait in a queue of `maxQueued`, beyond that 429. */
  maxActive: number;
  maxQueued: number;
}

/**
 * What one answer may cost: 500,000 numbers are at most about 12 MB of JSON and 4 MB of
 * columns while they are gathered; two at a time leave an agent under the unit's MemoryMax=256M
 * room to spare. The dashboard asks for about 600 points of 9 fields.
 */
export const HISTORY_LIMITS: HistoryLimits = {
  maxValues: 500_000,
  maxBytes: 16 * 1024 * 1024,
  maxActive: 2,
  maxQueued: 4,
};

const PARAMETERS = ['series', 'fields', 'from', 'to', 'step', 'aggregation', 'token'];
const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'last'];
/** Points per chunk computed between two turns of the event loop. */
const CHUNK_POINTS = 2000;

/** A column of numbers that grows as chunks come (NaN = not measured). */
class Column {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
}

/** The caller asked for something wrong: the store's errors as a 400 naming the parameter. */
function asBadParameter(error: unknown): unknown {
  if (!PerfError.isInstance(error) || error.code === 'STORE_ERROR') return error;
  const parameter =
    error.field === 'series' || error.code === 'UNKNOWN_SERIES'
      ? 'series'
      : error.field === 'fields' || error.code === 'UNKNOWN_FIELD'
        ? 'fields'
        : ['from', 'to', 'step', 'aggregation'].includes(error.field ?? '')
          ? error.field!
          : 'query';
  return badParameter(parameter, error.message);
}

/** The query a request asks for, checked; every problem is a 400 naming its parameter. */
function parseQuery(url: URL, history: HistoryStore, now: number): RangeQuery {
  const q = url.searchParams;
  for (const key of q.keys()) {
    if (!PARAMETERS.includes(key))
      throw badParameter(
        key.slice(0, 64),
        'unknown parameter (known: series, fields, from, to, step, aggregation)',
      );
  }
  const series = q.get('series');
  if (!series)
    throw badParameter(
      'series',
      'is required: system, container:<id>, vm:<id>, filesystem:<mount>',
    );
  const from = parseTimeParam('from', q.get('from'), now);
  const to = parseTimeParam('to', q.get('to'), now);
  if (from !== undefined && to !== undefined && from > to) {
    throw badParameter(
      'from',
      `must not be after "to" (${new Date(from).toISOString()} > ${new Date(to).toISOString()})`,
    );
  }
  const step = parseStepParam('step', q.get('step'), history.config.sampleIntervalMs);
  const fields = [
    ...new Set(
      q
        .get('fields')
        ?.split(',')
        .map((f) => f.trim())
        .filter((f) => f !== ''),
    ),
  ];
  const aggregation = q.get('aggregation') ?? undefined;
  if (aggregation !== undefined && !AGGREGATIONS.includes(aggregation as Aggregation))
    throw badParameter('aggregation', `must be one of ${AGGREGATIONS.join(', ')}`);
  return {
    series,
    ...(fields.length > 0 ? { fields } : {}),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(step === undefined ? {} : { step }),
    ...(aggregation === undefined ? {} : { aggregation: aggregation as Aggregation }),
  };
}

function tooLarge(
  points: number,
  fields: number,
  span: number,
  limits: HistoryLimits,
  min: number,
) {
  const per = fields + 1;
  // The coarsest step that still fits, rounded up to whole sample intervals.
  const fit = Math.max(min, Math.ceil((span * per) / limits.maxValues / min) * min);
  return badParameter(
    'step',
    `the answer would hold ${points} points x ${per} columns, more than ${limits.maxValues} values: use a step of at least ${formatDuration(fit)}, a shorter range or fewer fields`,
  );
}

/**
 * `/api/v1/history`: one series' fields over a range, bounded so that no request can make the
 * agent allocate more than a few MB or stall sampling. Too many points x fields (estimated
 * before any work when a step is given, counted while gathering otherwise) is a 400 naming
 * `step`; the answer is gathered in chunks that yield to the event loop (`queryIterable`) into
 * typed columns, then streamed out with backpressure; at most `maxActive` queries run at once.
 */
export function createHistoryRoute(history: HistoryStore, limits: HistoryLimits = HISTORY_LIMITS) {
  const limiter = createQueryLimiter(limits.maxActive, limits.maxQueued);

  return async (_req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const query = parseQuery(url, history, Date.now());
    const minStep = history.config.sampleIntervalMs;
    // Checks series and fields at no cost: a range after everything stored holds no rows.
    try {
      history.query({ ...query, from: Number.MAX_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER });
    } catch (error) {
      throw asBadParameter(error);
    }
    const info = history.series().find((s) => s.key === query.series);
    const fieldCount = query.fields?.length ?? info?.fields.length ?? 0;
    if (info && query.step !== undefined) {
      const from = Math.max(query.from ?? Number.NEGATIVE_INFINITY, info.firstTime);
      const to = Math.min(query.to ?? Number.POSITIVE_INFINITY, info.lastTime);
      const points =
        to < from ? 0 : Math.floor(to / query.step) - Math.floor(from / query.step) + 1;
      if (points * (fieldCount + 1) > limits.maxValues)
        throw tooLarge(points, fieldCount, to - from, limits, minStep);
    }

    const controller = new AbortController();
    const gone = () => controller.abort();
    res.once('close', gone);
    const release = await limiter.acquire(controller.signal);
    if (!release) {
      if (controller.signal.aborted) return;
      res.setHeader('retry-after', '1');
      throw new HttpError(429, 'too many history queries at once; retry in a moment');
    }
    try {
      let head: RangeResult | null = null;
      const times = new Column();
      let columns: Column[] = [];
      try {
        for await (const chunk of history.queryIterable(query, {
          chunkPoints: CHUNK_POINTS,
          signal: controller.signal,
        })) {
          if (!head) {
            head = chunk;
            columns = chunk.fields.map(() => new Column());
          }
          for (let i = 0; i < chunk.timestamps.length; i++) times.push(chunk.timestamps[i]!);
          chunk.fields.forEach((f, k) => {
            const column = columns[k]!;
            for (const v of chunk.values[f]!) column.push(v ?? Number.NaN);
          });
          if (times.length * (columns.length + 1) > limits.maxValues) {
            const span = chunk.timestamps.at(-1)! - head.timestamps[0]!;
            throw tooLarge(times.length, columns.length, span, limits, minStep);
          }
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        throw asBadParameter(error);
      }
      // Nothing in the range: the store's own (empty) answer says what was asked.
      head ??= history.query(query);
      await writeAnswer(res, head, query, times, columns, limits, controller.signal);
    } finally {
      release();
      res.off('close', gone);
    }
  };
}

const num = (v: number) => (Number.isNaN(v) ? 'null' : String(v));

async function writeAnswer(
  res: ServerResponse,
  head: RangeResult,
  query: RangeQuery,
  times: Column,
  columns: Column[],
  limits: HistoryLimits,
  signal: AbortSignal,
): Promise<void> {
  let bytes = 0;
  const write = async (text: string) => {
    bytes += text.length;
    // Cannot happen within maxValues; a hard stop should a future field print longer numbers.
    if (bytes > limits.maxBytes) {
      res.destroy();
      throw new Error(`history answer passed ${limits.maxBytes} bytes`);
    }
    if (!res.write(text)) await once(res, 'drain', { signal });
  };
  const column = async (c: Column) => {
    for (let i = 0; i < c.length; i += 4096) {
      const part: string[] = [];
      for (let j = i; j < Math.min(c.length, i + 4096); j++) part.push(num(c.data[j]!));
      await write(i === 0 ? part.join(',') : `,${part.join(',')}`);
    }
  };
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  const meta = {
    series: head.series,
    fields: head.fields,
    from: query.from ?? null,
    to: head.to,
    step: head.step,
    resolutionMs: head.resolutionMs,
    tier: head.tier,
    aggregation: head.aggregation,
  };
  await write(`${JSON.stringify(meta).slice(0, -1)},"timestamps":[`);
  await column(times);
  await write('],"values":{');
  for (const [k, field] of head.fields.entries()) {
    await write(`${k === 0 ? '' : ','}${JSON.stringify(field)}:[`);
    await column(columns[k] ?? new Column());
    await write(']');
  }
  res.end('}}');
}
