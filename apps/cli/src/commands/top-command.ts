import { setTimeout as sleep } from 'node:timers/promises';
import {
  formatBytes,
  formatPercent,
  formatRate,
  PerfError,
  type SystemMetrics,
} from '@arcbox/perf-core';
import type { AlertRule } from '@arcbox/perf-history';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, integerOption, intervalOption } from '../parse-options.js';
import { formatContainerTable, formatVmTable } from '../render/container-table.js';
import { createSampler, type Sample, type Sampler } from '../sampling/create-sampler.js';
import { firingAlerts, loadRules } from '../sampling/load-alert-rules.js';
import { collectorOptionsFrom, openCollectors } from '../sampling/open-collectors.js';
import { orderRows } from '../tui/order-rows.js';
import { createSystemHistory, pushSystemHistory } from '../tui/system-history.js';
import { createTerminalScreen } from '../tui/terminal-screen.js';
import { type FiringAlert, renderTopFrame, type TopView } from '../tui/top-frame.js';
import { applyKey, initialTopState, type SortKey, type TopState } from '../tui/top-state.js';
import { examples } from './examples.js';

interface TopFlags {
  interval?: number;
  root?: string;
  cgroup?: string[];
  sort: SortKey;
  filter?: string;
  count?: number;
  rules?: string;
}

export function registerTopCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  program
    .command('top')
    .alias('watch')
    .description(
      'live view of the host, its containers and VMs (a plain table per interval when not on a terminal)',
    )
    .option(
      '-i, --interval <ms>',
      'refresh every this many milliseconds (default 1000)',
      intervalOption,
    )
    .option('--root <dir>', 'proc/sys root to read (default /)')
    .option('--cgroup <path...>', 'also show these cgroups (paths or globs) as containers')
    .option(
      '-s, --sort <key>',
      'sort containers and VMs by cpu, memory, disk or net',
      choiceOption(['cpu', 'memory', 'disk', 'net'] as const),
      'cpu',
    )
    .option('-f, --filter <text>', 'show only containers and VMs whose name or id contains this')
    .option('-n, --count <n>', 'stop after this many refreshes', integerOption(1))
    .option(
      '-r, --rules <file>',
      "alert rules to highlight (YAML/JSON, perf-history's format; default: its default rules)",
    )
    .addHelpText(
      'after',
      `\nKeys: c m d n sort by CPU, memory, disk, network; / filter (Enter keeps, Esc clears);\n      up/down/PgUp/PgDn scroll; q or Ctrl-C quits.\n${examples(
        [
          ['arcbox-perf top', 'full-screen live view, refreshed every second'],
          [
            'arcbox-perf top --sort memory --filter web',
            'start sorted by memory, only "web" containers',
          ],
          ['arcbox-perf top --count 3 | cat', 'three plain tables, one per interval'],
        ],
      )}`,
    )
    .action(async (flags: TopFlags, cmd: Command) => {
      const ctx = await context(cmd);
      const intervalMs = flags.interval ?? ctx.config.intervalMs ?? 1000;
      const state: TopState = { ...initialTopState, sort: flags.sort, filter: flags.filter ?? '' };
      // Opened while the first frame is already up: the live view starts before the packages load.
      const prepare = async (): Promise<Prepared> => {
        const [parsed, collectors] = await Promise.all([
          loadRules(flags.rules, ctx.signal),
          openCollectors({
            ...collectorOptionsFrom(flags, ctx.config),
            containers: true,
            vms: true,
          }),
        ]);
        const [first] = parsed.errors;
        if (first) {
          // The live view has no good place to list rule errors: refuse the file at once.
          await Promise.allSettled(
            [collectors.system, collectors.containers, collectors.vms].map((c) => c?.close?.()),
          );
          const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : '';
          throw new PerfError('CONFIG_ERROR', `${first.message}${more}`);
        }
        const sampler = await createSampler(collectors, { intervalMs, rules: parsed.rules });
        return { sampler, rules: parsed.rules };
      };
      const live = ctx.io.stdout.isTTY === true && ctx.io.stdin.isTTY === true;
      if (live) await runLive(ctx, prepare, intervalMs, state, flags.count);
      else await runPlain(ctx, prepare, intervalMs, state, flags.count);
    });
}

interface Prepared {
  sampler: Sampler;
  rules: readonly AlertRule[];
}

/** Full-screen view: first frame at once (gauges, no rates yet), then one per interval. */
async function runLive(
  ctx: CliContext,
  prepare: () => Promise<Prepared>,
  intervalMs: number,
  start: TopState,
  count?: number,
) {
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const view: TopView = {
    sample: null,
    history: createSystemHistory(),
    alerts: [],
    intervalMs,
    state: start,
  };
  let prepared: Prepared | undefined;
  const screen = createTerminalScreen(ctx.io, {
    onKey(key) {
      const next = applyKey(view.state, key, Math.max(1, screen.height - 12));
      if (next === 'quit') stop.abort();
      else if (next !== view.state) {
        // Scrolling stops at the last container, so the way back up is as long as the way down.
        const last = Math.max(0, (view.sample?.containers.length ?? 0) - 1);
        view.state = { ...next, scroll: Math.min(next.scroll, last) };
        draw();
      }
    },
    onResize: () => draw(),
  });
  const draw = () =>
    screen.draw(renderTopFrame(view, { width: screen.width, height: screen.height }, ctx.color));
  try {
    draw();
    prepared = await prepare();
    const { sampler, rules } = prepared;
    for (let frame = 0; count === undefined || frame < count; frame += 1) {
      if (frame > 0) await sleep(intervalMs, undefined, { signal });
      const sample = await sampler.sample({ signal });
      if (signal.aborted) break;
      view.sample = sample;
      view.alerts = firingAlerts(sampler.alertStates(), rules);
      pushSystemHistory(view.history, sample.system);
      draw();
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    screen.close();
    await prepared?.sampler.close();
  }
}

/** Not a terminal: a plain block per interval (rates need two readings, so none at first). */
async function runPlain(
  ctx: CliContext,
  prepare: () => Promise<Prepared>,
  intervalMs: number,
  state: TopState,
  count?: number,
) {
  const { sampler, rules } = await prepare();
  try {
    await sampler.sample({ signal: ctx.signal });
    for (let n = 0; count === undefined || n < count; n += 1) {
      await sleep(intervalMs, undefined, { signal: ctx.signal });
      const sample = await sampler.sample({ signal: ctx.signal });
      const alerts = firingAlerts(sampler.alertStates(), rules);
      for (const line of plainBlock(sample, state, alerts)) writeLine(ctx.io.stdout, line);
    }
  } catch (error) {
    // Ctrl-C on a pipe ends the stream of tables; that is how it is meant to stop.
    if (!ctx.signal.aborted) throw error;
  } finally {
    await sampler.close();
  }
}

export function plainBlock(
  sample: Sample,
  state: TopState,
  alerts: readonly FiringAlert[] = [],
): string[] {
  const lines = [summaryLine(sample.system)];
  for (const a of alerts) lines.push(`ALERT ${a.severity.toUpperCase()} ${a.name}: ${a.message}`);
  const containers = orderRows(sample.containers, state.sort, state.filter);
  if (containers.length > 0) lines.push(...formatContainerTable(containers));
  const vms = orderRows(sample.vms, state.sort, state.filter);
  if (vms.length > 0) lines.push(...formatVmTable(vms));
  for (const r of sample.collectors) if (!r.ok) lines.push(`warning: ${r.name}: ${r.error}`);
  lines.push('');
  return lines;
}

function summaryLine(m: SystemMetrics | null): string {
  if (!m) return 'no host metrics';
  return [
    new Date(m.timestamp).toISOString(),
    `CPU ${formatPercent(m.cpuPercent)}`,
    `MEM ${formatBytes(m.memoryUsed)} / ${formatBytes(m.memoryTotal)} (${formatPercent(m.memoryPercent)})`,
    `DISK r ${formatRate(m.diskReadBps)} w ${formatRate(m.diskWriteBps)}`,
    `NET rx ${formatRate(m.netRxBps)} tx ${formatRate(m.netTxBps)}`,
    `load ${m.load1 ?? '-'} ${m.load5 ?? '-'} ${m.load15 ?? '-'}`,
  ].join('  ');
}
