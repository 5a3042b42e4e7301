import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { choiceOption, intervalOption } from '../parse-options.js';
import { cliVersion } from '../version.js';
import { examples } from './examples.js';
import { type SampleFlags, sampleTwice } from './snapshot-command.js';

const formats = ['prometheus', 'openmetrics', 'json', 'csv'] as const;
const tables = ['system', 'containers', 'vms'] as const;

interface ExportFlags extends SampleFlags {
  format: (typeof formats)[number];
  table: (typeof tables)[number];
}

/** One sample in an exchange format; the formatting is @arcbox/perf-export's, as the agent serves it. */
export function registerExportCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  program
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
      '-t, --table <table>',
      'for csv: system, containers or vms',
      choiceOption(tables),
      'system',
    )
    .option(
      '-i, --interval <ms>',
      'milliseconds between the two readings (default 1000)',
      intervalOption,
    )
    .option('--root <dir>', 'proc/sys root to read (default /)')
    .option('--cgroup <path...>', 'also export these cgroups (paths or globs) as containers')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf export', 'Prometheus text format, counters as *_total'],
        [
          'arcbox-perf export --format prometheus > /var/lib/node_exporter/arcbox.prom',
          'for the textfile collector',
        ],
        ['arcbox-perf export --format csv --table containers', 'one CSV row per container'],
        ['arcbox-perf export --format json | jq .system.load1', 'the same JSON as the agent'],
      ]),
    )
    .action(async (flags: ExportFlags, cmd: Command) => {
      const ctx = await context(cmd);
      const [exporter, sample] = await Promise.all([
        import('@arcbox/perf-export'),
        sampleTwice(ctx, flags, { containers: true, vms: true }),
      ]);
      const snapshot = {
        system: sample.system,
        containers: sample.containers,
        vms: sample.vms,
        collectors: sample.status,
        buildInfo: { version: cliVersion },
      };
      let text: string;
      switch (flags.format) {
        case 'json':
          text = `${exporter.formatJson(snapshot)}\n`;
          break;
        case 'csv':
          text =
            flags.table === 'containers'
              ? exporter.formatCsv(sample.containers, exporter.containerCsvColumns)
              : flags.table === 'vms'
                ? exporter.formatCsv(sample.vms, exporter.vmCsvColumns)
                : exporter.formatCsv(
                    sample.system ? [sample.system] : [],
                    exporter.systemCsvColumns,
                  );
          break;
        default:
          text = exporter.formatMetrics(snapshot, flags.format);
      }
      ctx.io.stdout.write(text);
    });
}
