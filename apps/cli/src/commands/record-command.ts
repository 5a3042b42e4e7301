import type { SourcesConfig } from '@arcbox/perf';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { integerOption, intervalOption } from '../parse-options.js';
import { examples } from './examples.js';

interface RecordFlags {
  count: number;
  interval?: number;
  force?: boolean;
  root?: string;
  cgroup?: string[];
  containers: boolean;
  vmDir?: string;
  vms: boolean;
  filesystems: boolean;
}

/**
 * The config file's sources with record's flags over them. `--no-vms` wins over `--vm-dir` (a
 * recording without VMs of a script that always passes its VM folder), as record has always
 * taken them.
 */
function recordSources(
  flags: RecordFlags,
  file: SourcesConfig | undefined,
  perf: Perf,
): SourcesConfig {
  const sources = structuredClone(file ?? perf.defaultSourcesConfig());
  if (flags.root !== undefined) sources.root = flags.root;
  if (flags.cgroup) sources.containers.paths.push(...flags.cgroup);
  if (flags.vmDir !== undefined)
    sources.vms.qemu = { ...sources.vms.qemu, enabled: true, socketDir: flags.vmDir };
  sources.containers.enabled &&= flags.containers;
  sources.vms.enabled &&= flags.vms;
  sources.filesystems.enabled &&= flags.filesystems;
  return sources;
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
    .option('--force', 'replace the recording already in <dir>')
    .option('--root <dir>', 'proc/sys root to read (default /)')
    .option('--cgroup <path...>', 'also record these cgroups (paths or globs) as containers')
    .option('--no-containers', 'leave containers out')
    .option('--vm-dir <dir>', 'record the QEMU VMs of this folder of <vm-id>.qmp sockets (Linux)')
    .option('--no-vms', 'leave VMs out')
    .option('--no-filesystems', 'leave filesystems out');
  cmd
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
