import { resolve } from 'node:path';
import {
  type ContainerMetrics,
  type ContainerReading,
  computeContainerMetrics,
  computeSystemMetrics,
  createSeriesTracker,
  computeVmMetrics,
  PerfError,
  type VmMetrics,
  type VmReading,
} from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { formatContainerTable, formatVmTable } from '../render/container-table.js';
import { formatSystemReport } from '../render/system-report.js';
import { replayRecording } from '../sampling/replay-recording.js';
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
    .option('--json', 'one JSON document per pair, one per line (schemas/snapshot.schema.json)')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf replay ./rec', 'readable reports'],
        ["arcbox-perf replay ./rec --json | jq -c '.system.cpuPercent'", 'CPU % of each interval'],
      ]),
    )
    .action(async (dir: string, flags: { json?: boolean }, cmd: Command) => {
      const ctx = await context(cmd);
      const recording = await replayRecording(resolve(dir), ctx.signal);
      const readings = recording.system;
      if (readings.length < 2) {
        throw new PerfError(
          'INVALID_ARGUMENT',
          `a replay needs at least 2 readings, ${resolve(dir)} has ${readings.length}`,
        );
      }
      // The same core maths as live: one tracker per container series, as the monitor keeps.
      const containerSeries = createSeriesTracker<ContainerReading, ContainerMetrics>(
        (r) => `${r.source}:${r.id}`,
        computeContainerMetrics,
      );
      containerSeries.update(recording.containers[0] ?? []);
      const vmSeries = createSeriesTracker<VmReading, VmMetrics>((r) => r.id, computeVmMetrics);
      vmSeries.update(recording.vms[0] ?? []);
      for (let i = 1; i < readings.length; i += 1) {
        const system = computeSystemMetrics(readings[i - 1], readings[i]!);
        const containers = containerSeries.update(recording.containers[i] ?? []);
        const vms = vmSeries.update(recording.vms[i] ?? []);
        if (flags.json) {
          writeLine(
            ctx.io.stdout,
            JSON.stringify(snapshotDocument({ system, containers, vms, collectors: [] })),
          );
        } else {
          if (i > 1) writeLine(ctx.io.stdout);
          for (const line of formatSystemReport(system, ctx.color)) writeLine(ctx.io.stdout, line);
          if (containers.length > 0) {
            writeLine(ctx.io.stdout);
            writeLine(ctx.io.stdout, ctx.color.bold(`Containers (${containers.length})`));
            for (const line of formatContainerTable(containers))
              writeLine(ctx.io.stdout, `  ${line}`);
          }
          if (vms.length > 0) {
            writeLine(ctx.io.stdout);
            writeLine(ctx.io.stdout, ctx.color.bold(`VMs (${vms.length})`));
            for (const line of formatVmTable(vms)) writeLine(ctx.io.stdout, `  ${line}`);
          }
        }
      }
    });
}
