import type { SourcesConfig } from '@arcbox/perf';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { integerOption, intervalOption } from '../parse-options.js';
import {
  addSourceOptions,
  resolveCliSources,
  type SourceFlags,
} from '../sampling/source-options.js';
import { examples } from './examples.js';

interface RecordFlags extends SourceFlags {
  count: number;
  interval?: number;
  force?: boolean;
}

/**
 * The config file's sources with record's flags over them, through the same checks as every
 * sampling command. `--no-vms` wins over the VM flags and `--no-containers` over `--cgroup` (a
 * recording without VMs from a script that always passes its VM folder), as record has always
 * taken them.
 */
function recordSources(flags: RecordFlags, file: SourcesConfig | undefined, perf: Perf) {
  const { vmDir, qmpSocket, chDir, fcDir, libvirt, cgroup, ...rest } = flags;
  const vmFlags = flags.vms === false ? {} : { vmDir, qmpSocket, chDir, fcDir, libvirt };
  const cgroups = flags.containers === false ? {} : { cgroup };
  const kept = Object.fromEntries(
    Object.entries({ ...rest, ...vmFlags, ...cgroups }).filter(([, v]) => v !== undefined),
  ) as SourceFlags;
  return resolveCliSources(kept, file, perf);
}

type Perf = typeof import('@arcbox/perf');

export function registerRecordCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  const cmd = program
    .command('record')
    .description(
      'save exactly what the collectors read, raw, for N readings (replay it with `replay`)',
    )
    .argument('<dir>', 'folder to write (recording.json, sources.json and readings/0001/...)')
    // Two at least: every figure a replay reports but the gauges is a rate over a pair.
    .option('-n, --count <n>', 'how many readings (2 or more)', integerOption(2, 100_000), 2)
    .option(
      '-i, --interval <time>',
      'time between readings: 500 (ms), 500ms, 2s (default 1s)',
      intervalOption,
    )
    .option('--force', 'replace the recording already in <dir>');
  addSourceOptions(cmd)
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf record ./rec', 'two readings one second apart'],
        ['arcbox-perf record ./rec --count 10 --interval 500', 'ten readings, half a second apart'],
        ['arcbox-perf record ./rec --vm-dir /run/arcbox/vms', 'the VMs of these QMP sockets too'],
        ['arcbox-perf record ./rec --force', 'record again over an earlier recording'],
        ['tar czf rec.tgz rec', 'attach it to a bug report'],
      ]),
    )
    .action(async (dir: string, flags: RecordFlags, command: Command) => {
      const ctx = await context(command);
      const perf = await import('@arcbox/perf');
      const summary = await perf.recordSamples({
        dir,
        sources: recordSources(flags, ctx.config.sources, perf),
        count: flags.count,
        intervalMs: flags.interval ?? ctx.config.intervalMs ?? 1000,
        signal: ctx.signal,
        force: flags.force === true,
        env: ctx.io.env,
      });
      // Progress and results are for people: stderr, so stdout stays clean for scripts.
      for (const note of summary.notes) writeLine(ctx.io.stderr, `note: ${note}`);
      for (const [kind, error] of Object.entries(summary.errors))
        writeLine(ctx.io.stderr, `warning: ${kind} not fully recorded: ${error?.message}`);
      writeLine(
        ctx.io.stderr,
        `recorded ${summary.readings} readings (${summary.kinds.join(', ')}) in ${summary.dir}`,
      );
    });
}
