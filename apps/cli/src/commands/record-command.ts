import { resolve } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { integerOption, intervalOption } from '../parse-options.js';
import { recordContainers, writeContainersManifest } from '../sampling/recorded-containers.js';
import { createVmRecorder, type VmRecorder } from '../sampling/recorded-vms.js';
import { examples } from './examples.js';

interface RecordFlags {
  count: number;
  interval?: number;
  root?: string;
  cgroup?: string[];
  containers: boolean;
  vms: boolean;
  vmDir?: string;
}

export function registerRecordCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  program
    .command('record')
    .description(
      'save exactly what the collector reads, raw, for N readings (replay it with `replay`)',
    )
    .argument('<dir>', 'folder to write (recording.json and readings/0001/...)')
    .option('-n, --count <n>', 'how many readings', integerOption(1, 100_000), 2)
    .option('-i, --interval <ms>', 'milliseconds between readings (default 1000)', intervalOption)
    .option('--root <dir>', 'proc/sys root to read (default /)')
    .option('--cgroup <path...>', 'also record these cgroups (paths or globs) as containers')
    .option('--no-containers', 'leave containers out (Linux)')
    .option('--vm-dir <dir>', 'record the QEMU VMs of this folder of <vm-id>.qmp sockets (Linux)')
    .option('--no-vms', 'leave VMs out (Linux)')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf record ./rec', 'two readings one second apart'],
        ['arcbox-perf record ./rec --count 10 --interval 500', 'ten readings, half a second apart'],
        ['arcbox-perf record ./rec --vm-dir /run/arcbox/vms', 'the VMs of these QMP sockets too'],
        ['tar czf rec.tgz rec', 'attach it to a bug report'],
      ]),
    )
    .action(async (dir: string, flags: RecordFlags, cmd: Command) => {
      const ctx = await context(cmd);
      const intervalMs = flags.interval ?? ctx.config.intervalMs ?? 1000;
      let readings: readonly unknown[];
      if (process.platform === 'darwin') {
        const { recordDarwinReadings } = await import('@arcbox/perf-darwin');
        readings = await recordDarwinReadings({
          dir: resolve(dir),
          count: flags.count,
          intervalMs,
          signal: ctx.signal,
        });
      } else if (process.platform === 'linux') {
        const { recordLinuxReadings, readingDir, systemClock } = await import('@arcbox/perf-linux');
        const root = flags.root ?? ctx.config.root;
        const cgroupPaths = [...(ctx.config.cgroupPaths ?? []), ...(flags.cgroup ?? [])];
        const vmDir = flags.vmDir ?? ctx.config.vmDir;
        let containerProblem: string | null = null;
        let vmProblem: string | null = null;
        // The stamp of the system reading just taken: its VMs are stamped with it too.
        let stamp = systemClock();
        const vms: VmRecorder | null = flags.vms
          ? await createVmRecorder({
              ...(vmDir ? { vmDir } : {}),
              ...(ctx.config.qmpSockets ? { qmpSockets: ctx.config.qmpSockets } : {}),
            })
          : null;
        try {
          readings = await recordLinuxReadings({
            dir: resolve(dir),
            count: flags.count,
            intervalMs,
            signal: ctx.signal,
            clock: () => {
              stamp = systemClock();
              return stamp;
            },
            ...(root === undefined ? {} : { root }),
            // Containers and VMs are read through the same recording reader, into the same folders.
            extra: async (reader, { index }) => {
              if (flags.containers)
                containerProblem ??= await recordContainers(reader, cgroupPaths, ctx.signal);
              if (vms) {
                await vms
                  .record(reader, readingDir(resolve(dir), index), stamp, ctx.signal)
                  .catch((error: unknown) => {
                    // An unreadable VM folder: the host and containers are still recorded.
                    if (ctx.signal.aborted) throw error;
                    vmProblem ??= (error as Error).message;
                  });
              }
            },
          });
          await vms?.writeManifest(resolve(dir));
        } finally {
          vms?.close();
        }
        if (flags.containers) await writeContainersManifest(resolve(dir), cgroupPaths);
        if (containerProblem)
          writeLine(ctx.io.stderr, `warning: no containers recorded: ${containerProblem}`);
        if (vmProblem) writeLine(ctx.io.stderr, `warning: no VMs recorded: ${vmProblem}`);
      } else {
        throw new PerfError(
          'UNSUPPORTED_PLATFORM',
          `record is not available on ${process.platform}`,
        );
      }
      // Progress and results are for people: stderr, so stdout stays clean for scripts.
      writeLine(ctx.io.stderr, `recorded ${readings.length} readings in ${resolve(dir)}`);
    });
}
