import { resolve } from 'node:path';
import {
  createKindRegistry,
  defaultKinds,
  type FieldUnit,
  formatValue,
  type KindRegistry,
  PerfError,
  parseDuration,
  parseTime,
} from '@arcbox/perf-core';
import type { Aggregation, RangeQuery, RangeResult } from '@arcbox/perf-history';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, integerOption } from '../parse-options.js';
import { brailleChart } from '../render/braille-chart.js';
import { queryHistoryFile } from '../sampling/read-history-file.js';
import { type KnownSeries, resolveSeries } from '../sampling/resolve-series.js';
import { UsageError } from '../usage-error.js';
import { examples } from './examples.js';

interface HistoryFlags {
  agent?: string;
  db?: string;
  token?: string;
  series: string;
  fields?: string;
  from: string;
  to?: string;
  step?: string;
  aggregation?: Aggregation;
  json?: boolean;
  csv?: boolean;
  height: number;
  timeout: number;
}

/** The fields charted when none are asked for: CPU and memory where the kind has them. */
export function defaultFields(series: string, kinds: KindRegistry): string[] {
  const kind = kinds.get(series.includes(':') ? series.slice(0, series.indexOf(':')) : series);
  if (!kind) return ['cpuPercent', 'memoryUsed'];
  const stored = kind.fields.filter((f) => f.stored).map((f) => f.name);
  const preferred = ['cpuPercent', 'memoryUsed'].filter((f) => stored.includes(f));
  return preferred.length > 0 ? preferred : stored.slice(0, 2);
}

/**
 * `--from`, `--to` and `--step` with core's one grammar (`-1h`, an ISO date, ms since the
 * epoch, `now`; durations with a unit), whichever history answers: the agent is sent the
 * resolved numbers, so `--agent` and `--db` accept exactly the same input.
 */
export function historyRange(
  flags: Pick<HistoryFlags, 'from' | 'to' | 'step'>,
  now: number,
): Pick<RangeQuery, 'from' | 'to' | 'step'> {
  const time = (name: string, text: string | undefined) => {
    if (text === undefined) return undefined;
    const ms = parseTime(text, now);
    if (ms === null)
      throw new UsageError(
        `--${name} "${text}" is not a time (ms since the epoch, an ISO date, "now" or "-1h")`,
      );
    return ms;
  };
  const from = time('from', flags.from);
  const to = time('to', flags.to);
  if (from !== undefined && to !== undefined && from > to)
    throw new UsageError(
      `--from is after --to (${new Date(from).toISOString()} > ${new Date(to).toISOString()})`,
    );
  let step: number | undefined;
  if (flags.step !== undefined) {
    const ms = parseDuration(flags.step);
    if (ms === null || !(ms > 0))
      throw new UsageError(`--step "${flags.step}" is not a duration with a unit (e.g. 10s, 1m)`);
    step = ms;
  }
  return {
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(step === undefined ? {} : { step }),
  };
}

export function registerHistoryCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  program
    .command('history')
    .description("chart a series' recent history from the agent, or print it as JSON or CSV")
    .option(
      '--agent <url>',
      "the agent's base URL (default: from the agent's config `listen`, else http://127.0.0.1:9464)",
    )
    .option(
      '--db <file>',
      "read a history database file instead (the agent's <stateDir>/history.sqlite)",
    )
    .option(
      '--token <token>',
      "the agent's bearer token (default: ARCBOX_PERF_TOKEN or authToken in the config)",
    )
    .option(
      '--series <key>',
      'system, container:<name|id>, vm:<name|id> or filesystem:<mount point> (an id prefix will do)',
      'system',
    )
    .option(
      '--fields <list>',
      "comma-separated numeric fields (default: cpuPercent,memoryUsed, else the kind's first two)",
    )
    .option('--from <time>', 'start: "-1h" (ago), an ISO date, "now" or ms since the epoch', '-15m')
    .option('--to <time>', 'end, same forms (default: now)')
    .option('--step <duration>', 'bucket width, e.g. 10s or 1m (default: the stored resolution)')
    .option(
      '--aggregation <how>',
      'avg, min, max or last per step',
      choiceOption(['avg', 'min', 'max', 'last'] as const),
    )
    .option('--json', "print the agent's answer as one JSON document (schemas/history.schema.json)")
    .option('--csv', 'print time,<field>... rows')
    .option('--height <rows>', 'chart height in terminal rows', integerOption(2, 100), 6)
    .option(
      '--timeout <ms>',
      'give up on the agent after this long',
      integerOption(100, 600_000),
      10_000,
    )
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf history', 'CPU % and memory of the host, last 15 minutes'],
        [
          'arcbox-perf history --fields netRxBps,netTxBps --from -1h --step 1m',
          'network, one point a minute',
        ],
        ['arcbox-perf history --series container:web --json', 'a container by name, as JSON'],
        [
          'arcbox-perf history --db /var/lib/arcbox-perf/history.sqlite --csv',
          "the agent's database file",
        ],
        [
          'arcbox-perf history --agent http://10.0.0.5:9464 --token $TOKEN --csv > cpu.csv',
          'another host',
        ],
      ]),
    )
    .action(async (flags: HistoryFlags, cmd: Command) => {
      const ctx = await context(cmd);
      if (flags.json && flags.csv) throw new UsageError('choose one of --json and --csv');
      if (flags.db && flags.agent) throw new UsageError('choose one of --agent and --db');
      const kinds = createKindRegistry(defaultKinds());
      const fields = flags.fields
        ?.split(',')
        .map((f) => f.trim())
        .filter((f) => f !== '');
      const query: RangeQuery = {
        series: flags.series,
        fields: fields && fields.length > 0 ? fields : defaultFields(flags.series, kinds),
        ...historyRange(flags, Date.now()),
        ...(flags.aggregation === undefined ? {} : { aggregation: flags.aggregation }),
      };
      let answer: RangeResult;
      if (flags.db) {
        answer = await queryHistoryFile(resolve(flags.db), query, ctx.signal);
      } else {
        const base = flags.agent ?? ctx.config.agentUrl ?? 'http://127.0.0.1:9464';
        const token = flags.token ?? ctx.io.env.ARCBOX_PERF_TOKEN ?? ctx.config.authToken;
        const agent = agentClient(base, token, flags.timeout, ctx.signal);
        // A name or id prefix becomes the series' key from the agent's own list; an agent that
        // cannot list them (history off) says why when asked for the history itself.
        const known = flags.series.includes(':') ? await agent.series() : null;
        const series = known ? resolveSeries(flags.series, known) : flags.series;
        answer = await agent.history({ ...query, series });
      }
      if (flags.json) writeLine(ctx.io.stdout, JSON.stringify(answer));
      else if (flags.csv) ctx.io.stdout.write(historyCsv(answer));
      else
        for (const line of historyChart(answer, ctx, flags.height, kinds))
          writeLine(ctx.io.stdout, line);
    });
}

/** The agent's `/api/v1/series` and `/api/v1/history`, with its token and a timeout. */
function agentClient(
  base: string,
  token: string | undefined,
  timeoutMs: number,
  signal: AbortSignal,
) {
  let origin: URL;
  try {
    origin = new URL(base);
  } catch (cause) {
    throw new UsageError(`--agent "${base}" is not a URL (${(cause as Error).message})`);
  }
  const get = async (path: string, params: Record<string, string> = {}) => {
    const url = new URL(path, origin);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
      });
    } catch (cause) {
      const timedOut = (cause as Error).name === 'TimeoutError';
      throw new PerfError(
        timedOut ? 'TIMEOUT' : 'CONNECTION_ERROR',
        `cannot reach the agent at ${url.origin}${timedOut ? ` within ${timeoutMs} ms` : ''}: ${(cause as Error).cause ?? (cause as Error).message}`,
        { cause },
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (cause) {
      throw new PerfError(
        'PROTOCOL_ERROR',
        `the agent at ${url.origin} answered ${response.status} with no JSON`,
        { cause },
      );
    }
    return { response, body, text, origin: url.origin };
  };
  return {
    /** The series the agent holds; null when it cannot list them (its history is off). */
    async series(): Promise<KnownSeries[] | null> {
      const { response, body } = await get('/api/v1/series');
      const list = (body as { series?: unknown }).series;
      return response.ok && Array.isArray(list) ? (list as KnownSeries[]) : null;
    },
    async history(query: RangeQuery): Promise<RangeResult> {
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(query))
        if (value !== undefined)
          params[key] = Array.isArray(value) ? value.join(',') : String(value);
      const { response, body, text, origin: at } = await get('/api/v1/history', params);
      if (!response.ok) {
        const error = (body as { error?: { message?: string } | string }).error;
        const message = typeof error === 'string' ? error : (error?.message ?? text.slice(0, 200));
        throw new PerfError(
          response.status === 401 || response.status === 403
            ? 'CONNECTION_ERROR'
            : 'INVALID_ARGUMENT',
          `the agent refused (${response.status}): ${message}`,
        );
      }
      const answer = body as Partial<RangeResult>;
      if (
        !Array.isArray(answer.timestamps) ||
        typeof answer.values !== 'object' ||
        answer.values === null
      ) {
        throw new PerfError(
          'PROTOCOL_ERROR',
          `the agent at ${at} sent no history (timestamps, values)`,
        );
      }
      return answer as RangeResult;
    },
  };
}

export function historyCsv(answer: RangeResult): string {
  const fields = answer.fields;
  const rows = [['time', ...fields].join(',')];
  answer.timestamps.forEach((t, i) => {
    rows.push(
      [new Date(t).toISOString(), ...fields.map((f) => String(answer.values[f]?.[i] ?? ''))].join(
        ',',
      ),
    );
  });
  return `${rows.join('\n')}\n`;
}

/** A field's unit from its kind's descriptor; a plain count when the kind does not say. */
function unitOf(series: string, field: string, kinds: KindRegistry): FieldUnit {
  const kind = kinds.get(series.includes(':') ? series.slice(0, series.indexOf(':')) : series);
  return kind?.fields.find((f) => f.name === field)?.unit ?? 'count';
}

/** One braille chart per field, with its range, the latest value and the time span. */
export function historyChart(
  answer: RangeResult,
  ctx: CliContext,
  height: number,
  kinds: KindRegistry,
): string[] {
  const columns = ctx.io.stdout.columns ?? (Number(ctx.io.env.COLUMNS) || 100);
  const width = Math.max(20, Math.min(200, columns - 14));
  const lines: string[] = [];
  const first = answer.timestamps[0];
  const last = answer.timestamps.at(-1);
  const span =
    first !== undefined && last !== undefined
      ? `${new Date(first).toISOString()} .. ${new Date(last).toISOString()}`
      : 'no data';
  lines.push(
    `${ctx.color.bold(answer.series)}  ${span}  ${answer.timestamps.length} points, ${answer.aggregation} per ${answer.step ?? answer.resolutionMs} ms`,
  );
  for (const field of answer.fields) {
    const unit = unitOf(answer.series, field, kinds);
    const values = answer.values[field] ?? [];
    const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
    const latest = [...values].reverse().find((v) => v !== null) ?? null;
    lines.push('');
    lines.push(`${ctx.color.bold(field)}  now ${formatValue(latest, unit)}`);
    if (known.length === 0) {
      lines.push('  (no values in this range)');
      continue;
    }
    const min = Math.min(0, ...known);
    const max = Math.max(...known);
    const chart = brailleChart(values, { width, height, min, max });
    const label = (row: number) =>
      row === 0 ? formatValue(max, unit) : row === chart.length - 1 ? formatValue(min, unit) : '';
    chart.forEach((row, i) => {
      lines.push(`${label(i).padStart(12)} ${ctx.color.cyan(row)}`);
    });
  }
  return lines;
}
