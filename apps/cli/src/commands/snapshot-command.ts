import {
  createKindRegistry,
  defaultKinds,
  type KindRegistry,
  type KindValues,
  metricsOf,
  type SystemMetrics,
} from '@arcbox/perf-core';
import { type ExportSnapshot, formatJson } from '@arcbox/perf-export';
import type { Command } from 'commander';
import { type CliContext, type Colors, writeLine } from '../cli-context.js';
import { intervalOption } from '../parse-options.js';
import { formatKindTable } from '../render/kind-table.js';
import { findingLine, kindFindings, otherNotes } from '../render/source-report.js';
import { formatSystemReport } from '../render/system-report.js';
import type { CollectorReport } from '../sampling/create-sampler.js';
import { type SampleFlags, sampleTwice, type TwoReadings } from '../sampling/sample-twice.js';
import { addSourceOptions, flagNote, type SourceFlags } from '../sampling/source-options.js';
import { examples } from './examples.js';

/**
 * The `snapshot --json` (and `replay --json`) document, schemas/snapshot.schema.json: every
 * kind under its sample key exactly as perf-export's `formatJson` writes a sample (the agent's
 * `/api/v1/snapshot` body), after the document's kind and version; `notes` says what the
 * sources looked for and did not find.
 */
export function snapshotDocument(
  sample: KindValues & { collectors: readonly CollectorReport[] },
  options: { kinds?: KindRegistry; notes?: readonly string[] } = {},
): Record<string, unknown> {
  const kinds = options.kinds ?? createKindRegistry(defaultKinds());
  // The reports stand where the agent puts its collectors' status: formatJson copies them as given.
  const body = JSON.parse(formatJson(sample as unknown as ExportSnapshot, { kinds })) as Record<
    string,
    unknown
  >;
  return {
    kind: 'arcbox-perf.snapshot',
    version: 1,
    ...body,
    ...(options.notes ? { notes: [...options.notes] } : {}),
  };
}

/**
 * The readable report: the host, then every other kind with a heading that says whether it was
 * looked for, where, and what was found (a table when something was), then the sources' notes.
 */
function snapshotReport(
  readings: TwoReadings,
  flags: SourceFlags,
  c: Colors,
): { lines: string[]; warnings: string[] } {
  const { sample, kinds } = readings;
  const lines: string[] = [];
  const system = metricsOf(kinds.require('system'), sample)?.[0] as SystemMetrics | undefined;
  if (system) lines.push(...formatSystemReport(system, c));
  const findings = kindFindings(kinds.kinds, sample, readings.sources, readings.notes);
  for (const finding of findings) {
    lines.push('', c.bold(findingLine(finding)));
    const rows = metricsOf(finding.kind, sample) ?? [];
    if (rows.length > 0) lines.push(...formatKindTable(finding.kind, rows).map((l) => `  ${l}`));
    for (const note of finding.notes) lines.push(c.yellow(`  note: ${flagNote(note, flags)}`));
  }
  const warnings = [
    ...otherNotes(findings, readings.notes).map((n) => `note: ${flagNote(n, flags)}`),
    // A kind that failed is in its heading; the host's failure ends the command before this.
    ...sample.collectors
      .filter((r) => !r.ok && !kinds.bySampleKey(r.name))
      .map((r) => `warning: ${r.name}: ${r.error}`),
  ];
  return { lines, warnings };
}

export function registerSnapshotCommand(
  program: Command,
  context: (cmd: Command) => Promise<CliContext>,
) {
  const cmd = program
    .command('snapshot')
    .description('take two readings an interval apart and print the metrics over it')
    .option('--json', 'print one JSON document (schemas/snapshot.schema.json)')
    .option(
      '-i, --interval <time>',
      'time between the two readings: 500 (ms), 500ms, 2s (default 1s)',
      intervalOption,
    );
  addSourceOptions(cmd)
    .addHelpText(
      'after',
      examples([
        ['arcbox-perf snapshot', 'host, containers, VMs and filesystems over one second'],
        ['arcbox-perf snapshot --json --interval 250 | jq .system.cpuPercent', 'scriptable'],
        ['arcbox-perf snapshot --root /host', 'inside a container with the host mounted'],
        ['arcbox-perf snapshot --vm-dir /run/arcbox/vms --no-containers', 'the host and its VMs'],
      ]),
    )
    .action(async (flags: SampleFlags & { json?: boolean }, command: Command) => {
      const ctx = await context(command);
      const readings = await sampleTwice(ctx, flags);
      if (flags.json) {
        const doc = snapshotDocument(readings.sample, {
          kinds: readings.kinds,
          notes: readings.notes.map((n) => flagNote(n, flags)),
        });
        writeLine(ctx.io.stdout, JSON.stringify(doc));
        return;
      }
      const { lines, warnings } = snapshotReport(readings, flags, ctx.color);
      for (const line of lines) writeLine(ctx.io.stdout, line);
      for (const w of warnings) writeLine(ctx.io.stderr, ctx.color.yellow(w));
    });
}
