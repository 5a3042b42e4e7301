import { existsSync } from 'node:fs';
import { type ContainerMetrics, metricsOf, PerfError, type VmMetrics } from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, intervalOption } from '../parse-options.js';
import { formatKindTable } from '../render/kind-table.js';
import { findingLine, kindFindings } from '../render/source-report.js';
import { type SampleFlags, sampleTwice, type TwoReadings } from '../sampling/sample-twice.js';
import { addSourceOptions, flagNote, namedPaths } from '../sampling/source-options.js';
import { unmatchedCgroups } from '../sampling/unmatched-cgroups.js';
import { orderRows } from '../tui/order-rows.js';
import type { SortKey } from '../tui/top-state.js';
import { examples } from './examples.js';

interface ListFlags extends SampleFlags {
  json?: boolean;
  sort: SortKey;
}

/** `containers` and `vms`: one table of one kind over one interval, like `docker stats --no-stream`. */
export function registerListCommands(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  const common = (cmd: Command, kind: 'containers' | 'vms') =>
    addSourceOptions(
      cmd
        .option('--json', `print one JSON document (schemas/${kind}.schema.json)`)
        .option(
          '-i, --interval <time>',
          'time between the two readings: 500 (ms), 500ms, 2s (default 1s)',
          intervalOption,
        )
        .option(
          '-s, --sort <key>',
          'cpu, memory, disk or net',
          choiceOption(['cpu', 'memory', 'disk', 'net'] as const),
          'cpu',
        ),
    );

  common(program.command('containers'), 'containers')
    .description('one table of containers over one interval, like `docker stats --no-stream`')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf containers', 'every container the cgroups show'],
        ['arcbox-perf containers --sort memory', 'largest working set first'],
        ["arcbox-perf containers --cgroup '/myjobs/*' --json", 'plain cgroups too, as JSON'],
      ]),
    )
    .action(async (flags: ListFlags, cmd: Command) =>
      listAction(await context(cmd), flags, 'containers'),
    );

  common(program.command('vms'), 'vms')
    .description(
      'one table of VMs (QEMU, Cloud Hypervisor, Firecracker, libvirt) over one interval, with per-vCPU figures',
    )
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf vms', 'VMs whose QMP sockets are in the VM directory'],
        ['arcbox-perf vms --vm-dir /run/arcbox/vms', 'the VMs of another socket folder'],
        ['arcbox-perf vms --libvirt qemu:///system', "libvirt's domains too"],
        ['arcbox-perf vms --json | jq ".vms[].vcpuPercent"', 'per-vCPU busy percent'],
      ]),
    )
    .action(async (flags: ListFlags, cmd: Command) => listAction(await context(cmd), flags, 'vms'));
}

async function listAction(ctx: CliContext, flags: ListFlags, sampleKey: 'containers' | 'vms') {
  const readings = await sampleTwice(ctx, flags, [sampleKey]);
  const { sample, kinds } = readings;
  const kind = kinds.bySampleKey(sampleKey);
  if (!kind) throw new PerfError('INVALID_ARGUMENT', `no kind of series is read as ${sampleKey}`);
  const [finding] = kindFindings([kind], sample, readings.sources, readings.notes);
  const rows = orderRows(
    (metricsOf(kind, sample) ?? []) as readonly (ContainerMetrics | VmMetrics)[],
    flags.sort,
    '',
  );
  if (flags.json) {
    const doc = {
      kind: `arcbox-perf.${sampleKey}`,
      version: 1,
      timestamp: rows[0]?.timestamp ?? Date.now(),
      intervalMs: rows[0]?.intervalMs ?? null,
      [sampleKey]: rows,
      collectors: sample.collectors,
    };
    writeLine(ctx.io.stdout, JSON.stringify(doc));
  } else if (rows.length > 0) {
    for (const line of formatKindTable(kind, rows)) writeLine(ctx.io.stdout, line);
  }
  // Nothing found says where it looked; a failed source says why; a named source that is not
  // there is the error, said once.
  if (finding && (rows.length === 0 || finding.state === 'failed'))
    writeLine(ctx.io.stderr, findingLine(finding));
  const missing = await missingSources(readings, flags, rows);
  for (const note of finding?.notes ?? []) {
    const text = flagNote(note, flags);
    if (!missing.includes(text)) writeLine(ctx.io.stderr, `note: ${text}`);
  }
  if (missing.length > 0) throw new PerfError('MISSING_FILE', missing.join('; '));
}

/**
 * What the user named (a flag or the config file) and is not there: a VM folder or socket the
 * sources noted as missing, a cgroup pattern that matched nothing. Said as an error (exit 1)
 * after whatever was found, so a typo is never mistaken for "nothing runs".
 */
async function missingSources(
  readings: TwoReadings,
  flags: ListFlags,
  rows: readonly (ContainerMetrics | VmMetrics)[],
): Promise<string[]> {
  const named = namedPaths(readings.sources);
  const notes = readings.notes
    .filter((n) => named.some((p) => n.includes(p)))
    .map((n) => flagNote(n, flags));
  // A socket named one by one is listed as a VM whether it is there or not; the sources note
  // only folders, so a socket that is not there is said here.
  const { qemu, cloudHypervisor, firecracker } = readings.sources.vms;
  const sockets = readings.sources.vms.enabled
    ? [qemu, cloudHypervisor, firecracker].flatMap((s) => (s.enabled ? s.sockets : []))
    : [];
  for (const socket of sockets.filter((p) => !existsSync(p)))
    notes.push(
      flags.qmpSocket?.includes(socket)
        ? `--qmp-socket ${socket} does not exist`
        : `sources.vms: socket ${socket} does not exist`,
    );
  const patterns = readings.sources.containers.enabled ? readings.sources.containers.paths : [];
  if (patterns.length === 0) return notes;
  const { globMatches } = await import('@arcbox/perf-history');
  const containers = rows.filter((r): r is ContainerMetrics => 'runtime' in r);
  const unmatched = unmatchedCgroups(patterns, containers, globMatches).map((p) =>
    flags.cgroup?.includes(p)
      ? `--cgroup ${p} matches no cgroup`
      : `sources.containers.paths: ${p} matches no cgroup`,
  );
  return [...notes, ...unmatched];
}
