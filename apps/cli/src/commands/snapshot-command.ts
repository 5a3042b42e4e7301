import { setTimeout as sleep } from 'node:timers/promises';
import { type CollectorStatus, PerfError } from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { intervalOption } from '../parse-options.js';
import { formatContainerTable, formatVmTable } from '../render/container-table.js';
import { formatSystemReport } from '../render/system-report.js';
import { createSampler, type Sample } from '../sampling/create-sampler.js';
import { collectorOptionsFrom, openCollectors } from '../sampling/open-collectors.js';
import { examples } from './examples.js';

export interface SampleFlags {
  interval?: number;
  root?: string;
  cgroup?: string[];
  vmDir?: string;
}

/** The `snapshot --json` document (schemas/snapshot.schema.json). */
export function snapshotDocument(sample: Sample) {
  return {
    kind: 'arcbox-perf.snapshot',
    version: 1,
    system: sample.system,
    containers: sample.containers,
    vms: sample.vms,
    collectors: sample.collectors,
  };
}

/** Two samples `intervalMs` apart; the second holds rates over that interval. */
export async function sampleTwice(
  ctx: CliContext,
  flags: SampleFlags,
  kinds: { containers?: boolean; vms?: boolean },
): Promise<Sample & { status: CollectorStatus[] }> {
  const intervalMs = flags.interval ?? ctx.config.intervalMs ?? 1000;
  const collectors = await openCollectors({ ...collectorOptionsFrom(flags, ctx.config), ...kinds });
  const sampler = await createSampler(collectors, { intervalMs });
  try {
    await sampler.sample({ signal: ctx.signal });
    await sleep(intervalMs, undefined, { signal: ctx.signal });
    const sample = await sampler.sample({ signal: ctx.signal });
    // The host is what these commands stand on: without it, fail; a container or VM source
    // failing is only a warning (no docker here, no cgroup mount there).
    const failed = sample.collectors.find((r) => r.name === 'system' && !r.ok);
    if (failed)
      throw new PerfError('COLLECTOR_FAILED', failed.error ?? 'the system collector failed');
    return { ...sample, status: await sampler.status() };
  } finally {
    await sampler.close();
  }
}

export function registerSnapshotCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  program
    .command('snapshot')
    .description('take two readings an interval apart and print the metrics over it')
    .option('--json', 'print one JSON document (schemas/snapshot.schema.json)')
    .option(
      '-i, --interval <ms>',
      'milliseconds between the two readings (default 1000)',
      intervalOption,
    )
    .option('--root <dir>', 'proc/sys root to read (default /; /host in a container)')
    .option('--cgroup <path...>', 'also show these cgroups (paths or globs) as containers')
    .option('--no-containers', 'leave containers out')
    .option('--no-vms', 'leave VMs out')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf snapshot', 'host, containers and VMs over one second'],
        ['arcbox-perf snapshot --json --interval 250 | jq .system.cpuPercent', 'scriptable'],
        ['arcbox-perf snapshot --root /host', 'inside a container with the host mounted'],
      ]),
    )
    .action(
      async (
        flags: SampleFlags & { json?: boolean; containers: boolean; vms: boolean },
        cmd: Command,
      ) => {
        const ctx = await context(cmd);
        const sample = await sampleTwice(ctx, flags, {
          containers: flags.containers,
          vms: flags.vms,
        });
        const { stdout } = ctx.io;
        if (flags.json) {
          writeLine(stdout, JSON.stringify(snapshotDocument(sample)));
          return;
        }
        if (sample.system)
          for (const line of formatSystemReport(sample.system, ctx.color)) writeLine(stdout, line);
        if (sample.containers.length > 0) {
          writeLine(stdout);
          writeLine(stdout, ctx.color.bold(`Containers (${sample.containers.length})`));
          for (const line of formatContainerTable(sample.containers))
            writeLine(stdout, `  ${line}`);
        }
        if (sample.vms.length > 0) {
          writeLine(stdout);
          writeLine(stdout, ctx.color.bold(`VMs (${sample.vms.length})`));
          for (const line of formatVmTable(sample.vms)) writeLine(stdout, `  ${line}`);
        }
        for (const r of sample.collectors) {
          if (!r.ok) ctx.io.stderr.write(`${ctx.color.yellow('warning')}: ${r.name}: ${r.error}\n`);
        }
      },
    );
}
