import { setTimeout as sleep } from 'node:timers/promises';
import { PerfError } from '@arcbox/perf-core';
import type { AlertStatus } from '@arcbox/perf-history';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliContext, writeLine } from '../cli-context.js';
import { choiceOption, integerOption, intervalOption } from '../parse-options.js';
import { alertValueText, seriesLabel, thresholdText } from '../render/alert-text.js';
import { formatTable } from '../render/format-table.js';
import { createSampler } from '../sampling/create-sampler.js';
import { loadRules } from '../sampling/load-alert-rules.js';
import { commandSources } from '../sampling/sample-twice.js';
import { addSourceOptions, flagNote, type SourceFlags } from '../sampling/source-options.js';
import { examples } from './examples.js';

/** Exit codes of `alerts check`, as monitoring plugins use them (Nagios, Icinga, cron mail). */
export const ALERTS_OK = 0;
export const ALERTS_WARN = 1;
export const ALERTS_CRIT = 2;
/** The check itself could not be done: unreadable or invalid rules, no host metrics. */
export const ALERTS_UNKNOWN = 3;

interface CheckFlags extends SourceFlags {
  rules?: string;
  window: number;
  interval?: number;
  json?: boolean;
}

/**
 * The exit code of a check: a critical alert is critical even when another rule could not be
 * checked (a broken rule must not hide a firing one); otherwise a rule that could not be
 * checked makes the result unknown, which outranks a warning, as in Nagios' own ordering.
 */
export function checkExitCode(results: readonly AlertStatus[], badRules: number): number {
  const worst = results.reduce(
    (code, s) =>
      s.state !== 'firing'
        ? code
        : Math.max(code, s.severity === 'critical' ? ALERTS_CRIT : ALERTS_WARN),
    ALERTS_OK,
  );
  if (worst === ALERTS_CRIT || badRules === 0) return worst;
  return ALERTS_UNKNOWN;
}

export function registerAlertsCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  const alerts = program
    .command('alerts')
    .description('alert rules: check them once, for cron jobs and scripts')
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf alerts check', "the built-in rules against this host's current state"],
        ['arcbox-perf alerts check --rules rules.yaml', 'exit 0 ok, 1 warn, 2 crit, 3 unknown'],
        [
          'arcbox-perf alerts export --format prometheus > arcbox-perf.rules.yml',
          'the same rules for Prometheus',
        ],
      ]),
    );
  registerAlertsExport(alerts, context);
  const check = alerts
    .command('check')
    .description(
      'sample for a short window, evaluate the rules once; exit 0 ok, 1 warn, 2 crit, 3 could not check',
    )
    .option('-r, --rules <file>', 'YAML or JSON rules file (default: the built-in rules)')
    .option(
      '-w, --window <ms>',
      'how long to sample before judging',
      integerOption(100, 3_600_000),
      3000,
    )
    .option(
      '-i, --interval <time>',
      'time between samples in the window: 500 (ms), 500ms, 2s (default 1s)',
      intervalOption,
    )
    .option('--json', 'print one JSON document (schemas/alerts.schema.json)');
  addSourceOptions(check)
    .addHelpText(
      'after',
      `\nA one-shot check cannot wait out a rule's "for": it reports whether each rule breaches now,\nwith the rule's window aggregation over the sampled window. The agent applies "for" as it runs.\nA critical alert exits 2 even when another rule is invalid (listed on stderr and in --json).\n${examples(
        [
          ['arcbox-perf alerts check --rules rules.yaml', 'exit 0 ok, 1 warn, 2 crit'],
          [
            'arcbox-perf alerts check --rules rules.yaml --window 10000 --json',
            'ten seconds, as JSON',
          ],
          [
            '*/5 * * * * arcbox-perf alerts check -r /etc/arcbox-perf/rules.yaml || notify',
            'from cron',
          ],
        ],
      )}`,
    )
    .action(async (flags: CheckFlags, cmd: Command) => {
      const ctx = await context(cmd);
      // Any failure of the check itself is "unknown", never mistaken for a warning.
      ctx.setExitCode(ALERTS_UNKNOWN);
      const loaded = await loadRules(flags.rules, ctx.signal);
      for (const error of loaded.errors)
        ctx.io.stderr.write(`${ctx.color.red('rule error')}: ${error.message}\n`);
      if (loaded.rules.length === 0) {
        throw new PerfError(
          'CONFIG_ERROR',
          `no valid alert rule in ${flags.rules ?? 'the defaults'}`,
        );
      }
      const intervalMs = Math.min(flags.interval ?? ctx.config.intervalMs ?? 1000, flags.window);
      const { createKindRegistry, defaultKinds } = await import('@arcbox/perf-core');
      // Only the kinds some rule watches are read (the host always is).
      const targeted = createKindRegistry(defaultKinds()).kinds.filter((k) =>
        loaded.rules.some((r) => r.target === k.name),
      );
      const sources = await commandSources(
        ctx,
        flags,
        targeted.map((k) => k.sampleKey),
      );
      // Judge the state now: `for` is a duration of the running agent, not of a one-shot check.
      const sampler = await createSampler({
        sources,
        intervalMs,
        rules: loaded.rules.map((r) => ({ ...r, forSeconds: 0 })),
      });
      const samples = Math.max(1, Math.round(flags.window / intervalMs));
      let results: AlertStatus[];
      let notes: string[];
      try {
        await sampler.sample({ signal: ctx.signal });
        for (let i = 0; i < samples; i += 1) {
          await sleep(intervalMs, undefined, { signal: ctx.signal });
          const sample = await sampler.sample({ signal: ctx.signal });
          if (!sample.system) {
            const failed = sample.collectors.find((r) => r.name === 'system');
            throw new PerfError('COLLECTOR_FAILED', failed?.error ?? 'no host metrics');
          }
        }
        results = sampler.alertStates();
        notes = await sampler.notes();
      } finally {
        await sampler.close();
      }
      for (const note of notes) writeLine(ctx.io.stderr, `note: ${flagNote(note, flags)}`);
      const code = checkExitCode(results, loaded.errors.length);
      const status = ['ok', 'warning', 'critical', 'unknown'][code] ?? 'unknown';
      if (flags.json) {
        const doc = {
          kind: 'arcbox-perf.alerts',
          version: 1,
          status,
          exitCode: code,
          windowMs: samples * intervalMs,
          rules: loaded.rules.map((r) => r.name),
          results,
          errors: loaded.errors.map((e) => ({
            message: e.message,
            code: e.code,
            file: e.file ?? null,
            line: e.line ?? null,
            field: e.field ?? null,
          })),
        };
        writeLine(ctx.io.stdout, JSON.stringify(doc));
      } else {
        const kinds = sampler.kinds;
        const rows = formatTable(
          [
            { header: 'RULE', value: (s: AlertStatus) => s.rule },
            {
              header: 'SERIES',
              value: (s) =>
                s.series.includes(':')
                  ? `${seriesLabel(s, kinds)} (${s.series})`
                  : seriesLabel(s, kinds),
              maxWidth: 48,
            },
            {
              header: 'STATE',
              value: (s) => (s.state === 'firing' ? (s.severity ?? 'firing') : s.state),
            },
            { header: 'FIELD', value: (s) => s.field },
            { header: 'VALUE', value: alertValueText, align: 'right' },
            { header: 'WARN', value: (s) => thresholdText(s, s.warn), align: 'right' },
            { header: 'CRIT', value: (s) => thresholdText(s, s.crit), align: 'right' },
          ],
          results,
        );
        const paint = (line: string) =>
          /\bcritical\b/.test(line)
            ? ctx.color.red(line)
            : /\bwarning\b/.test(line)
              ? ctx.color.yellow(line)
              : line;
        rows.forEach((line, i) => {
          writeLine(ctx.io.stdout, i === 0 ? ctx.color.bold(line) : paint(line));
        });
        const firing = results.filter((s) => s.state === 'firing').length;
        const bad = loaded.errors.length;
        writeLine(
          ctx.io.stdout,
          `${status.toUpperCase()}: ${firing} of ${results.length} rule checks firing${
            bad > 0 ? `; ${bad} rule error${bad === 1 ? '' : 's'} (on stderr): not checked` : ''
          }`,
        );
      }
      ctx.setExitCode(code);
    });
}

const exportFormats = ['prometheus'] as const;

/** A Prometheus rule group's interval: a duration of whole seconds from 1s to 1h. */
function evaluationIntervalOption(value: string): number {
  let ms: number | null = null;
  try {
    ms = intervalOption(value);
  } catch {
    // Said below with this option's own range.
  }
  if (ms === null || ms < 1000 || ms % 1000 !== 0)
    throw new InvalidArgumentError(`expected whole seconds from 1s to 1h, got "${value}"`);
  return ms;
}

interface ExportFlags {
  format: (typeof exportFormats)[number];
  rules?: string;
  evaluationInterval?: number;
}

/**
 * `alerts export`: the rules (a file or the defaults) as a Prometheus alerting-rules file on
 * stdout, converted by @arcbox/perf-export. A rule that cannot be read or written over the
 * exported series is named on stderr and the exit code is 1; the others are still printed.
 */
function registerAlertsExport(alerts: Command, context: (cmd: Command) => Promise<CliContext>) {
  alerts
    .command('export')
    .description(
      'print the alert rules as a Prometheus alerting-rules file over the /metrics names',
    )
    .option('-f, --format <format>', 'prometheus', choiceOption(exportFormats), 'prometheus')
    .option('-r, --rules <file>', 'YAML or JSON rules file (default: the built-in rules)')
    .option(
      '-e, --evaluation-interval <time>',
      'the group\'s evaluation interval (1s to 1h; default: Prometheus\' global one); "for" rounds up to whole intervals',
      evaluationIntervalOption,
    )
    .addHelpText(
      'after',
      `\nOne Prometheus rule per severity (label "severity"), the same thresholds, window and "for";\nclear (hysteresis) and the critical level read Prometheus' ALERTS series. A rule /metrics\ncannot express is named on stderr (exit 1). The mapping: apps/cli/README.md, "alerts export".\n${examples(
        [
          [
            'arcbox-perf alerts export --format prometheus > arcbox-perf.rules.yml',
            'the built-in rules',
          ],
          [
            'arcbox-perf alerts export --rules rules.yaml | promtool check rules /dev/stdin',
            'a rules file, checked',
          ],
          [
            'arcbox-perf alerts export --evaluation-interval 15s > arcbox-perf.rules.yml',
            'for a group evaluated every 15 s',
          ],
        ],
      )}`,
    )
    .action(async (flags: ExportFlags, cmd: Command) => {
      const ctx = await context(cmd);
      const [loaded, { toPrometheusAlertRules }] = await Promise.all([
        loadRules(flags.rules, ctx.signal),
        import('@arcbox/perf-export'),
      ]);
      const converted = toPrometheusAlertRules(
        loaded.rules,
        flags.evaluationInterval === undefined
          ? {}
          : { evaluationIntervalSeconds: flags.evaluationInterval / 1000 },
      );
      ctx.io.stdout.write(converted.yaml);
      for (const error of [...loaded.errors, ...converted.refused])
        ctx.io.stderr.write(`${ctx.color.red('rule error')}: ${error.message}\n`);
      for (const note of converted.notes) ctx.io.stderr.write(`note: ${note}\n`);
      ctx.setExitCode(loaded.errors.length + converted.refused.length > 0 ? 1 : 0);
    });
}
