import { setTimeout as sleep } from 'node:timers/promises';
import {
  MAX_PROCESS_LIMIT,
  PROCESS_SORTS,
  type ProcessMetrics,
  type ProcessSort,
} from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, integerOption, intervalOption } from '../parse-options.js';
import { formatTable } from '../render/format-table.js';
import { processColumns } from '../render/process-table.js';
import { createSampler } from '../sampling/create-sampler.js';
import { commandSources } from '../sampling/sample-twice.js';
import { addSourceOptions, type SourceFlags } from '../sampling/source-options.js';
import { examples } from './examples.js';

interface ProcessesFlags extends SourceFlags {
  container?: string;
  json?: boolean;
  sort: ProcessSort;
  limit: number;
  interval?: number;
}

/** `processes`: which processes eat the host (or a container), over one interval. */
export function registerProcessesCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  addSourceOptions(
    program
      .command('processes')
      .description('processes by CPU, memory or I/O over one interval, and the container of each')
      .option(
        '-c, --container <id|name>',
        'only the processes of this container (id, id prefix, name, or "host")',
      )
      .option('--json', 'print one JSON document')
      .option('-s, --sort <key>', 'cpu, mem or io', choiceOption(PROCESS_SORTS), 'cpu')
      .option(
        '-n, --limit <n>',
        'at most this many (default 20)',
        integerOption(1, MAX_PROCESS_LIMIT),
        20,
      )
      .option(
        '-i, --interval <time>',
        'time between the two readings: 500 (ms), 500ms, 2s (default 1s)',
        intervalOption,
      ),
  )
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf processes', 'the 20 busiest processes'],
        ['arcbox-perf processes --sort mem --limit 5', 'the 5 largest by resident memory'],
        ['arcbox-perf processes --container 3f2a --json', "one container's processes, as JSON"],
      ]),
    )
    .action(async (flags: ProcessesFlags, cmd: Command) =>
      processesAction(await context(cmd), flags),
    );
}

async function processesAction(ctx: CliContext, flags: ProcessesFlags) {
  const intervalMs = flags.interval ?? ctx.config.intervalMs ?? 1000;
  // Containers stay on: processes are given the ids the container collector uses.
  const sources = await commandSources(ctx, flags, ['processes', 'containers']);
  const sampler = await createSampler({ sources, intervalMs });
  let rows: ProcessMetrics[];
  try {
    // Two readings: CPU and I/O rates cover the interval between them.
    await sampler.processes({ limit: 1, signal: ctx.signal });
    await sleep(intervalMs, undefined, { signal: ctx.signal });
    rows = await sampler.processes({
      sort: flags.sort,
      limit: flags.limit,
      signal: ctx.signal,
      ...(flags.container === undefined ? {} : { container: flags.container }),
    });
  } finally {
    await sampler.close();
  }
  if (flags.json) {
    const doc = {
      kind: 'arcbox-perf.processes',
      version: 1,
      timestamp: rows[0]?.timestamp ?? Date.now(),
      intervalMs: rows[0]?.intervalMs ?? null,
      sort: flags.sort,
      container: flags.container ?? null,
      processes: rows,
    };
    writeLine(ctx.io.stdout, JSON.stringify(doc));
    return;
  }
  for (const line of formatTable(processColumns, rows)) writeLine(ctx.io.stdout, line);
  if (rows.length === 0)
    writeLine(
      ctx.io.stderr,
      flags.container === undefined
        ? 'no processes'
        : `no processes in container ${flags.container}`,
    );
}
