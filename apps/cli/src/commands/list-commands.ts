import type { ContainerMetrics, VmMetrics } from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, intervalOption } from '../parse-options.js';
import { formatContainerTable, formatVmTable } from '../render/container-table.js';
import type { Sample } from '../sampling/create-sampler.js';
import { orderRows } from '../tui/order-rows.js';
import type { SortKey } from '../tui/top-state.js';
import { examples } from './examples.js';
import { type SampleFlags, sampleTwice } from './snapshot-command.js';

interface ListFlags extends SampleFlags {
  json?: boolean;
  sort: SortKey;
}

/** What differs between `containers` and `vms`; the rest of the command is shared. */
interface ListKind<R extends ContainerMetrics | VmMetrics> {
  name: 'containers' | 'vms';
  rows(sample: Sample): readonly R[];
  table(rows: readonly R[]): string[];
}

const containersKind: ListKind<ContainerMetrics> = {
  name: 'containers',
  rows: (s) => s.containers,
  table: formatContainerTable,
};
const vmsKind: ListKind<VmMetrics> = { name: 'vms', rows: (s) => s.vms, table: formatVmTable };

/** `containers` and `vms`: one table over one interval, like `docker stats --no-stream`. */
export function registerListCommands(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  const common = (cmd: Command, kind: 'containers' | 'vms') =>
    cmd
      .option('--json', `print one JSON document (schemas/${kind}.schema.json)`)
      .option(
        '-i, --interval <ms>',
        'milliseconds between the two readings (default 1000)',
        intervalOption,
      )
      .option(
        '-s, --sort <key>',
        'cpu, memory, disk or net',
        choiceOption(['cpu', 'memory', 'disk', 'net'] as const),
        'cpu',
      );

  common(program.command('containers'), 'containers')
    .description('one table of containers over one interval, like `docker stats --no-stream`')
    .option('--root <dir>', 'proc/sys root to read (default /)')
    .option('--cgroup <path...>', 'also show these cgroups (paths or globs) as containers')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf containers', 'every container the cgroups show'],
        ['arcbox-perf containers --sort memory', 'largest working set first'],
        ["arcbox-perf containers --cgroup '/myjobs/*' --json", 'plain cgroups too, as JSON'],
      ]),
    )
    .action(async (flags: ListFlags, cmd: Command) =>
      listAction(await context(cmd), flags, containersKind),
    );

  common(program.command('vms'), 'vms')
    .description('one table of VMs (QEMU over QMP) over one interval, with per-vCPU figures')
    .option(
      '--vm-dir <dir>',
      'folder of <vm-id>.qmp sockets (default $XDG_RUNTIME_DIR/arcbox/vms, else /run/arcbox/vms)',
    )
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf vms', 'VMs whose QMP sockets are in the VM directory'],
        ['arcbox-perf vms --vm-dir /run/arcbox/vms', 'the VMs of another socket folder'],
        ['arcbox-perf vms --json | jq ".vms[].vcpuPercent"', 'per-vCPU busy percent'],
      ]),
    )
    .action(async (flags: ListFlags, cmd: Command) =>
      listAction(await context(cmd), flags, vmsKind),
    );
}

async function listAction<R extends ContainerMetrics | VmMetrics>(
  ctx: CliContext,
  flags: ListFlags,
  kind: ListKind<R>,
) {
  const sample = await sampleTwice(ctx, flags, {
    containers: kind.name === 'containers',
    vms: kind.name === 'vms',
  });
  for (const r of sample.collectors) {
    if (!r.ok && r.name === kind.name)
      ctx.io.stderr.write(`${ctx.color.yellow('warning')}: ${r.name}: ${r.error}\n`);
  }
  const rows = orderRows(kind.rows(sample), flags.sort, '');
  if (flags.json) {
    const doc = {
      kind: `arcbox-perf.${kind.name}`,
      version: 1,
      timestamp: rows[0]?.timestamp ?? Date.now(),
      intervalMs: rows[0]?.intervalMs ?? null,
      [kind.name]: rows,
      collectors: sample.collectors,
    };
    writeLine(ctx.io.stdout, JSON.stringify(doc));
  } else if (rows.length === 0) {
    writeLine(ctx.io.stderr, `no ${kind.name === 'vms' ? 'VMs' : 'containers'} found`);
  } else {
    for (const line of kind.table(rows)) writeLine(ctx.io.stdout, line);
  }
}
