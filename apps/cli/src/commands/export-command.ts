import { createKindRegistry, defaultKinds, type KindRegistry } from '@arcbox/perf-core';
import { type Command, InvalidArgumentError } from 'commander';
import type { ExportSnapshot } from '@arcbox/perf-export';
import type { CliContext } from '../cli-context.js';
import { choiceOption, intervalOption } from '../parse-options.js';
import { type SampleFlags, sampleTwice } from '../sampling/sample-twice.js';
import { addSourceOptions, flagNote } from '../sampling/source-options.js';
import { cliVersion } from '../version.js';
import { examples } from './examples.js';

const formats = ['prometheus', 'openmetrics', 'json', 'csv'] as const;

interface ExportFlags extends SampleFlags {
  format: (typeof formats)[number];
  table: string;
}

/** A kind for `--table`, by its sample key (`containers`) or its name (`container`). */
function tableKind(kinds: KindRegistry, table: string) {
  const kind = kinds.bySampleKey(table) ?? kinds.get(table);
  if (!kind)
    throw new InvalidArgumentError(
      `expected one of ${kinds.kinds.map((k) => k.sampleKey).join(', ')}, got "${table}"`,
    );
  return kind;
}

/** One sample in an exchange format; the formatting is @arcbox/perf-export's, as the agent serves it. */
export function registerExportCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  // The monitor's kinds are arcbox-perf's own: a table is checked against them before sampling.
  const known = createKindRegistry(defaultKinds());
  const tables = known.kinds.map((k) => k.sampleKey);
  const cmd = program
    .command('export')
    .description(
      'take one sample (two readings an interval apart) and print it in an exchange format',
    )
    .option(
      '-f, --format <format>',
      'prometheus, openmetrics, json or csv',
      choiceOption(formats),
      'prometheus',
    )
    .option(
      '-t, --table <kind>',
      `for csv: ${tables.join(', ')}`,
      (v: string) => tableKind(known, v).sampleKey,
      'system',
    )
    .option(
      '-i, --interval <time>',
      'time between the two readings: 500 (ms), 500ms, 2s (default 1s)',
      intervalOption,
    );
  addSourceOptions(cmd)
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf export', 'Prometheus text format, counters as *_total'],
        [
          'arcbox-perf export --format prometheus > /var/lib/node_exporter/arcbox.prom',
          'for the textfile collector',
        ],
        ['arcbox-perf export --format csv --table containers', 'one CSV row per container'],
        ['arcbox-perf export --format csv --table filesystems', 'one CSV row per filesystem'],
        ['arcbox-perf export --format json | jq .system.load1', 'the same JSON as the agent'],
      ]),
    )
    .action(async (flags: ExportFlags, command: Command) => {
      const ctx = await context(command);
      const [exporter, readings] = await Promise.all([
        import('@arcbox/perf-export'),
        sampleTwice(ctx, flags),
      ]);
      const { kinds, sample } = readings;
      const { collectors: _reports, ...values } = sample;
      const snapshot: ExportSnapshot = {
        ...values,
        collectors: readings.status,
        buildInfo: { version: cliVersion },
      };
      let text: string;
      switch (flags.format) {
        case 'json':
          text = `${exporter.formatJson(snapshot, { kinds })}\n`;
          break;
        case 'csv': {
          const kind = tableKind(kinds, flags.table);
          const value = snapshot[kind.sampleKey];
          const rows = kind.singleton ? (value ? [value] : []) : ((value ?? []) as unknown[]);
          text = exporter.formatCsv(rows, exporter.kindCsvColumns(kind));
          break;
        }
        default:
          text = exporter.formatMetrics(snapshot, flags.format, { kinds });
      }
      ctx.io.stdout.write(text);
      // What was looked for and not found goes beside the export, never into it.
      for (const note of readings.notes) ctx.io.stderr.write(`note: ${flagNote(note, flags)}\n`);
    });
}
