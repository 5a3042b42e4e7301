import { setTimeout as sleep } from 'node:timers/promises';
import {
  type AnyKind,
  describeLifecycleEvent,
  formatBytes,
  formatPercent,
  formatRate,
  type KindRegistry,
  metricsOf,
  PerfError,
  processKind,
  type SystemMetrics,
} from '@arcbox/perf-core';
import type { Command } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, integerOption, intervalOption } from '../parse-options.js';
import { formatKindTable } from '../render/kind-table.js';
import { createSampler, type Sample, type Sampler } from '../sampling/create-sampler.js';
import { firingAlerts, loadRules } from '../sampling/load-alert-rules.js';
import { commandSources } from '../sampling/sample-twice.js';
import { addSourceOptions, flagNote, type SourceFlags } from '../sampling/source-options.js';
import { orderRows } from '../tui/order-rows.js';
import { createSystemHistory, pushSystemHistory } from '../tui/system-history.js';
import { createTerminalScreen } from '../tui/terminal-screen.js';
import { type FiringAlert, renderTopFrame, type TopView } from '../tui/top-frame.js';
import { applyKey, initialTopState, type SortKey, type TopState } from '../tui/top-state.js';
import { examples } from './examples.js';

interface TopFlags extends SourceFlags {
  interval?: number;
  sort: SortKey;
  filter?: string;
  count?: number;
  rules?: string;
}

export function registerTopCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  const cmd = program
    .command('top')
    .alias('watch')
    .description(
      'live view of the host, its containers, VMs and filesystems (a plain table per interval when not on a terminal)',
    )
    .option(
      '-i, --interval <time>',
      'refresh interval: 500 (ms), 500ms, 2s (default 1s)',
      intervalOption,
    )
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
    );
  addSourceOptions(cmd)
    .addHelpText(
      'after',
      `\nKeys: c m d n sort by CPU, memory, disk, network (again: reverse); r reverse; p processes;\n      Enter: every process of the container under the cursor (Esc back);\n      / filter (Enter keeps, Esc clears); up/down/PgUp/PgDn move; space pause;\n      + - refresh less or more often; ? or h help; q or Ctrl-C quits.\n${examples(
        [
          ['arcbox-perf top', 'full-screen live view, refreshed every second'],
          [
            'arcbox-perf top --sort memory --filter web',
            'start sorted by memory, only "web" containers',
          ],
          ['arcbox-perf top --count 3 | cat', 'three plain tables, one per interval'],
          ['arcbox-perf top --vm-dir /run/arcbox/vms --no-filesystems', 'VMs of another folder'],
        ],
      )}`,
    )
    .action(async (flags: TopFlags, command: Command) => {
      const ctx = await context(command);
      const intervalMs = flags.interval ?? ctx.config.intervalMs ?? 1000;
      const state: TopState = {
        ...initialTopState,
        sort: flags.sort,
        filter: flags.filter ?? '',
        intervalMs,
      };
      // Made while the first frame is already up: the live view starts before the packages load.
      const prepare = async (): Promise<Sampler> => {
        const [parsed, sources] = await Promise.all([
          loadRules(flags.rules, ctx.signal),
          commandSources(ctx, flags),
        ]);
        const [first] = parsed.errors;
        if (first) {
          // The live view has no good place to list rule errors: refuse the file at once.
          const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more)` : '';
          throw new PerfError('CONFIG_ERROR', `${first.message}${more}`);
        }
        return createSampler({ sources, intervalMs, rules: parsed.rules });
      };
      const live = ctx.io.stdout.isTTY === true && ctx.io.stdin.isTTY === true;
      if (live) await runLive(ctx, prepare, state, flags.count);
      else await runPlain(ctx, prepare, state, flags);
    });
}

/** How far back the live view lists lifecycle events. */
const EVENTS_SHOWN_MS = 10 * 60_000;

/** Full-screen view: first frame at once (gauges, no rates yet), then one per interval. */
async function runLive(
  ctx: CliContext,
  prepare: () => Promise<Sampler>,
  start: TopState,
  count?: number,
) {
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  const view: TopView = {
    sample: null,
    history: createSystemHistory(),
    alerts: [],
    state: start,
  };
  // Wakes the wait between samples: after a resume, or when the interval changed.
  let wake = new AbortController();
  let sampler: Sampler | undefined;
  const screen = createTerminalScreen(ctx.io, {
    onKey(key) {
      const s = view.state;
      const rows = orderRows(view.sample?.containers ?? [], s.sort, s.filter, s.descending);
      const cursor = rows[Math.min(s.scroll, rows.length - 1)];
      const next = applyKey(s, key, Math.max(1, screen.height - 12), cursor);
      if (next === 'quit') stop.abort();
      else if (next !== s) {
        const retime = next.paused !== s.paused || next.intervalMs !== s.intervalMs;
        if (next.focus !== s.focus) readFocused(next);
        // Scrolling stops at the last row, so the way back up is as long as the way down.
        const shown = next.processes
          ? (view.focused ?? (view.sample && metricsOf(processKind, view.sample)) ?? []).length
          : rows.length;
        view.state = { ...next, scroll: Math.min(next.scroll, Math.max(0, shown - 1)) };
        if (retime) wake.abort();
        draw();
      }
    },
    onResize: () => draw(),
  });
  const draw = () =>
    screen.draw(renderTopFrame(view, { width: screen.width, height: screen.height }, ctx.color));
  // The focused container's processes, from the last reading: Enter shows them at once.
  const readFocused = (state: TopState) => {
    view.focused = state.focus
      ? (sampler?.latestProcesses({ container: state.focus.id }) ?? [])
      : undefined;
  };
  try {
    draw();
    sampler = await prepare();
    for (let frame = 0; count === undefined || frame < count; ) {
      if (frame > 0 || view.state.paused) {
        wake = new AbortController();
        await sleep(view.state.intervalMs, undefined, {
          signal: AbortSignal.any([signal, wake.signal]),
        }).catch((error: unknown) => {
          if (signal.aborted) throw error;
        });
        if (view.state.paused) continue;
      }
      const sample = await sampler.sample({ signal });
      if (signal.aborted) break;
      view.sample = sample;
      view.alerts = firingAlerts(sampler.alertStates(), sampler.kinds);
      readFocused(view.state);
      view.events = sampler.recentEvents(Date.now() - EVENTS_SHOWN_MS);
      pushSystemHistory(view.history, sample.system);
      draw();
      frame += 1;
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    screen.close();
    await sampler?.close();
  }
}

/** Not a terminal: a plain block per interval (rates need two readings, so none at first). */
async function runPlain(
  ctx: CliContext,
  prepare: () => Promise<Sampler>,
  state: TopState,
  flags: TopFlags,
) {
  const sampler = await prepare();
  try {
    await sampler.sample({ signal: ctx.signal });
    for (const note of await sampler.notes())
      writeLine(ctx.io.stderr, `note: ${flagNote(note, flags)}`);
    for (let n = 0; flags.count === undefined || n < flags.count; n += 1) {
      await sleep(state.intervalMs, undefined, { signal: ctx.signal });
      const sample = await sampler.sample({ signal: ctx.signal });
      const alerts = firingAlerts(sampler.alertStates(), sampler.kinds);
      for (const line of plainBlock(sample, state, alerts, sampler.kinds))
        writeLine(ctx.io.stdout, line);
    }
  } catch (error) {
    // Ctrl-C on a pipe ends the stream of tables; that is how it is meant to stop.
    if (!ctx.signal.aborted) throw error;
  } finally {
    await sampler.close();
  }
}

/** One interval as plain text: the summary line, firing alerts, then every kind's table. */
export function plainBlock(
  sample: Sample,
  state: TopState,
  alerts: readonly FiringAlert[],
  kinds: KindRegistry,
): string[] {
  const lines = [summaryLine(sample.system)];
  for (const a of alerts) lines.push(`ALERT ${a.severity.toUpperCase()} ${a.name}: ${a.message}`);
  for (const e of sample.events ?? []) lines.push(`EVENT ${describeLifecycleEvent(e)}`);
  for (const kind of kinds.kinds) {
    if (kind.singleton) continue;
    const rows = plainRows(kind, sample, state);
    if (rows.length > 0) lines.push(...formatKindTable(kind, rows));
  }
  for (const r of sample.collectors) if (!r.ok) lines.push(`warning: ${r.name}: ${r.error}`);
  lines.push('');
  return lines;
}

/** Containers and VMs in the view's order and filter; other kinds as read. */
function plainRows(kind: AnyKind, sample: Sample, state: TopState): readonly unknown[] {
  if (kind.sampleKey === 'containers')
    return orderRows(sample.containers, state.sort, state.filter, state.descending);
  if (kind.sampleKey === 'vms')
    return orderRows(sample.vms, state.sort, state.filter, state.descending);
  return metricsOf(kind, sample) ?? [];
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
