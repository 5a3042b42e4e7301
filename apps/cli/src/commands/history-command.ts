import { resolve } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { Aggregation } from '@arcbox/perf-history';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, integerOption } from '../parse-options.js';
import { brailleChart } from '../render/braille-chart.js';
import { formatField } from '../render/format-field.js';
import { queryHistoryFile } from '../sampling/read-history-file.js';
import { examples } from './examples.js';

/** The agent's `/api/v1/history` answer (perf-history's RangeResult); schemas/history.schema.json. */
export interface HistoryAnswer {
  series: string;
  fields: string[];
  from: number | null;
  to: number | null;
  step: number | null;
  resolutionMs: number;
  tier: 'raw' | number;
  aggregation: string;
  timestamps: number[];
  values: Record<string, Array<number | null>>;
}

interface HistoryFlags {
  agent?: string;
  db?: string;
  token?: string;
  series: string;
  fields: string;
  from: string;
  to?: string;
  step?: string;
  aggregation?: string;
  json?: boolean;
  csv?: boolean;
  height: number;
  timeout: number;
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
    .option('--series <key>', 'system, container:<id> or vm:<id>', 'system')
    .option('--fields <list>', 'comma-separated numeric fields', 'cpuPercent,memoryUsed')
    .option('--from <time>', 'start: "-1h" (ago), an ISO date or ms since the epoch', '-15m')
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
        ['arcbox-perf history --series container:web --json', 'a container, as JSON'],
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
      if (flags.json && flags.csv)
        throw new PerfError('INVALID_ARGUMENT', 'choose one of --json and --csv');
      if (flags.db && flags.agent)
        throw new PerfError('INVALID_ARGUMENT', 'choose one of --agent and --db');
      let answer: HistoryAnswer;
      if (flags.db) {
        const fields = flags.fields
          .split(',')
          .map((f) => f.trim())
          .filter((f) => f !== '');
        answer = await queryHistoryFile(
          resolve(flags.db),
          {
            series: flags.series,
            fields,
            from: flags.from,
            ...(flags.to === undefined ? {} : { to: flags.to }),
            ...(flags.step === undefined ? {} : { step: flags.step }),
            ...(flags.aggregation === undefined
              ? {}
              : { aggregation: flags.aggregation as Aggregation }),
          },
          ctx.signal,
        );
      } else {
        const base = flags.agent ?? ctx.config.agentUrl ?? 'http://127.0.0.1:9464';
        const token = flags.token ?? ctx.io.env.ARCBOX_PERF_TOKEN ?? ctx.config.authToken;
        answer = await fetchHistory(base, flags, token, ctx.signal);
      }
      if (flags.json) writeLine(ctx.io.stdout, JSON.stringify(answer));
      else if (flags.csv) ctx.io.stdout.write(historyCsv(answer));
      else
        for (const line of historyChart(answer, ctx, flags.height)) writeLine(ctx.io.stdout, line);
    });
}

async function fetchHistory(
  base: string,
  flags: HistoryFlags,
  token: string | undefined,
  signal: AbortSignal,
): Promise<HistoryAnswer> {
  let url: URL;
  try {
    url = new URL('/api/v1/history', base);
  } catch (cause) {
    throw new PerfError('INVALID_ARGUMENT', `--agent "${base}" is not a URL`, { cause });
  }
  const params = {
    series: flags.series,
    fields: flags.fields,
    from: flags.from,
    to: flags.to,
    step: flags.step,
    aggregation: flags.aggregation,
  };
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(key, value);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: {
        accept: 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      signal: AbortSignal.any([signal, AbortSignal.timeout(flags.timeout)]),
    });
  } catch (cause) {
    const timedOut = (cause as Error).name === 'TimeoutError';
    throw new PerfError(
      timedOut ? 'TIMEOUT' : 'CONNECTION_ERROR',
      `cannot reach the agent at ${url.origin}${timedOut ? ` within ${flags.timeout} ms` : ''}: ${(cause as Error).cause ?? (cause as Error).message}`,
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
  if (!response.ok) {
    const error = (body as { error?: { message?: string } | string }).error;
    const message = typeof error === 'string' ? error : (error?.message ?? text.slice(0, 200));
    throw new PerfError(
      response.status === 401 || response.status === 403 ? 'CONNECTION_ERROR' : 'INVALID_ARGUMENT',
      `the agent refused (${response.status}): ${message}`,
    );
  }
  const answer = body as Partial<HistoryAnswer>;
  if (
    !Array.isArray(answer.timestamps) ||
    typeof answer.values !== 'object' ||
    answer.values === null
  ) {
    throw new PerfError(
      'PROTOCOL_ERROR',
      `the agent at ${url.origin} sent no history (timestamps, values)`,
    );
  }
  return answer as HistoryAnswer;
}

export function historyCsv(answer: HistoryAnswer): string {
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

/** One braille chart per field, with its range, the latest value and the time span. */
export function historyChart(answer: HistoryAnswer, ctx: CliContext, height: number): string[] {
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
    const values = answer.values[field] ?? [];
    const known = values.filter((v): v is number => v !== null && Number.isFinite(v));
    const latest = [...values].reverse().find((v) => v !== null) ?? null;
    lines.push('');
    lines.push(`${ctx.color.bold(field)}  now ${formatField(field, latest)}`);
    if (known.length === 0) {
      lines.push('  (no values in this range)');
      continue;
    }
    const min = Math.min(0, ...known);
    const max = Math.max(...known);
    const chart = brailleChart(values, { width, height, min, max });
    const label = (row: number) =>
      row === 0 ? formatField(field, max) : row === chart.length - 1 ? formatField(field, min) : '';
    chart.forEach((row, i) => {
      lines.push(`${label(i).padStart(12)} ${ctx.color.cyan(row)}`);
    });
  }
  return lines;
}
