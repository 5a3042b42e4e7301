import { createKindRegistry, defaultKinds, metricsOf, type SystemMetrics } from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { formatKindTable } from '../render/kind-table.js';
import { formatSystemReport } from '../render/system-report.js';
import { examples } from './examples.js';
import { snapshotDocument } from './snapshot-command.js';

export function registerReplayCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  program
    .command('replay')
    .description('compute the metrics from a recording as if live, one report per consecutive pair')
    .argument('<dir>', 'a folder written by `record` (or built by hand in the same layout)')
    .option(
      '--json',
      'one JSON document per pair, one per line (schemas/snapshot.schema.json, plus `pair`)',
    )
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf replay ./rec', 'readable reports, each headed by its pair of readings'],
        ["arcbox-perf replay ./rec --json | jq -c '.system.cpuPercent'", 'CPU % of each interval'],
      ]),
    )
    .action(async (dir: string, flags: { json?: boolean }, command: Command) => {
      const ctx = await context(command);
      const { replaySamples } = await import('@arcbox/perf');
      const kinds = createKindRegistry(defaultKinds());
      let first = true;
      for await (const sample of replaySamples(dir, { signal: ctx.signal, kinds, alerts: false })) {
        // The host is what a report stands on: a reading it cannot be computed from ends the replay.
        const system = metricsOf(kinds.require('system'), sample)?.[0] as SystemMetrics | undefined;
        if (!system)
          throw sample.errors.system ?? new Error(`${sample.pair.label}: no host figures`);
        if (flags.json) {
          const doc = snapshotDocument({ ...sample, collectors: [] }, { kinds });
          writeLine(ctx.io.stdout, JSON.stringify({ ...doc, pair: sample.pair }));
          continue;
        }
        if (!first) writeLine(ctx.io.stdout);
        first = false;
        writeLine(ctx.io.stdout, ctx.color.bold(sample.pair.label));
        for (const line of formatSystemReport(system, ctx.color)) writeLine(ctx.io.stdout, line);
        for (const kind of kinds.kinds) {
          if (kind.singleton) continue;
          const rows = metricsOf(kind, sample) ?? [];
          if (rows.length === 0) continue;
          writeLine(ctx.io.stdout);
          writeLine(ctx.io.stdout, ctx.color.bold(`${kind.title} (${rows.length})`));
          for (const line of formatKindTable(kind, rows)) writeLine(ctx.io.stdout, `  ${line}`);
        }
        for (const [key, error] of Object.entries(sample.errors))
          if (key !== 'system' && error)
            writeLine(ctx.io.stderr, `warning: ${key}: ${error.message}`);
      }
    });
}
