import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { intervalOption } from '../parse-options.js';
import { formatContainerTable, formatVmTable } from '../render/container-table.js';
import { orderRows } from '../tui/order-rows.js';
import { choiceOption } from '../parse-options.js';
import type { SortKey } from '../tui/top-state.js';
import { examples } from './examples.js';
import { type SampleFlags, sampleTwice } from './snapshot-command.js';

interface ListFlags extends SampleFlags {
  json?: boolean;
  sort: SortKey;
}

const sortOption = choiceOption(['cpu', 'memory', 'disk', 'net'] as const);

/** `containers` and `vms`: one table over one interval, like `docker stats --no-stream`. */
export function registerListCommands(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  program
    .command('containers')
    .description('one table of containers over one interval, like `docker stats --no-stream`')
    .option('--json', 'print one JSON document (schemas/containers.schema.json)')
    .option(
      '-i, --interval <ms>',
      'milliseconds between the two readings (default 1000)',
      intervalOption,
    )
    .option('--root <dir>', 'proc/sys root to read (default /)')
    .option('--cgroup <path...>', 'also show these cgroups (paths or globs) as containers')
    .option('-s, --sort <key>', 'cpu, memory, disk or net', sortOption, 'cpu')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf containers', 'every container the cgroups show'],
        ['arcbox-perf containers --sort memory', 'largest working set first'],
        ["arcbox-perf containers --cgroup '/myjobs/*' --json", 'plain cgroups too, as JSON'],
      ]),
    )
    .action(async (flags: ListFlags, cmd: Command) => {
      const ctx = await context(cmd);
      const sample = await sampleTwice(ctx, flags, { system: false, containers: true, vms: false });
      warnFailures(ctx, sample.collectors);
      const rows = orderRows(sample.containers, flags.sort, '');
      if (flags.json) {
        const doc = {
          kind: 'arcbox-perf.containers',
          version: 1,
          timestamp: rows[0]?.timestamp ?? Date.now(),
          intervalMs: rows[0]?.intervalMs ?? null,
          containers: rows,
          collectors: sample.collectors,
        };
        writeLine(ctx.io.stdout, JSON.stringify(doc));
      } else if (rows.length === 0) {
        writeLine(ctx.io.stderr, 'no containers found');
      } else {
        for (const line of formatContainerTable(rows)) writeLine(ctx.io.stdout, line);
      }
    });

  program
    .command('vms')
    .description('one table of VMs (QEMU over QMP) over one interval, with per-vCPU figures')
    .option('--json', 'print one JSON document (schemas/vms.schema.json)')
    .option(
      '-i, --interval <ms>',
      'milliseconds between the two readings (default 1000)',
      intervalOption,
    )
    .option('-s, --sort <key>', 'cpu, memory, disk or net', sortOption, 'cpu')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf vms', 'VMs whose QMP sockets are in the VM directory'],
        ['arcbox-perf vms --json | jq ".vms[].vcpuPercent"', 'per-vCPU busy percent'],
      ]),
    )
    .action(async (flags: ListFlags, cmd: Command) => {
      const ctx = await context(cmd);
      const sample = await sampleTwice(ctx, flags, { system: false, containers: false, vms: true });
      warnFailures(ctx, sample.collectors);
      const rows = orderRows(sample.vms, flags.sort, '');
      if (flags.json) {
        const doc = {
          kind: 'arcbox-perf.vms',
          version: 1,
          timestamp: rows[0]?.timestamp ?? Date.now(),
          intervalMs: rows[0]?.intervalMs ?? null,
          vms: rows,
          collectors: sample.collectors,
        };
        writeLine(ctx.io.stdout, JSON.stringify(doc));
      } else if (rows.length === 0) {
        writeLine(ctx.io.stderr, 'no VMs found');
      } else {
        for (const line of formatVmTable(rows)) writeLine(ctx.io.stdout, line);
      }
    });
}

function warnFailures(
  ctx: CliContext,
  reports: readonly { name: string; ok: boolean; error?: string }[],
) {
  for (const r of reports) {
    if (!r.ok) ctx.io.stderr.write(`${ctx.color.yellow('warning')}: ${r.name}: ${r.error}\n`);
  }
}
