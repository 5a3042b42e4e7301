import { PerfError } from '@arcbox/perf-core';
import {
  escapeHelp,
  escapeLabelValue,
  formatSampleValue,
  isValidLabelName,
  isValidMetricName,
} from './escape.js';
import { type Labels, type MetricFamily, sampleName } from './metric-family.js';

export type ExpositionFormat = 'prometheus' | 'openmetrics';

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE =
  'application/openmetrics-text; version=1.0.0; charset=utf-8';

export function contentTypeOf(format: ExpositionFormat): string {
  return format === 'openmetrics' ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
}

/**
 * Picks the format from an HTTP Accept header the way Prometheus's own client libraries do:
 * OpenMetrics only when the scraper asks for `application/openmetrics-text` (with q > 0),
 * the 0.0.4 text format otherwise.
 */
export function negotiateExposition(accept: string | undefined | null): ExpositionFormat {
  if (!accept) return 'prometheus';
  for (const part of accept.split(',')) {
    const [type, ...params] = part
      .trim()
      .split(';')
      .map((s) => s.trim());
    if (type?.toLowerCase() !== 'application/openmetrics-text') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return 'openmetrics';
  }
  return 'prometheus';
}

function labelText(labels: Labels, family: MetricFamily): string {
  let out = '';
  for (const name in labels) {
    if (!isValidLabelName(name)) {
      throw new PerfError(
        'INVALID_ARGUMENT',
        `metric ${family.name}: invalid label name "${name}"`,
        {
          field: name,
        },
      );
    }
    out += `${out === '' ? '' : ','}${name}="${escapeLabelValue(labels[name]!)}"`;
  }
  return out === '' ? '' : `{${out}}`;
}

function checkFamily(family: MetricFamily): void {
  if (!isValidMetricName(family.name)) {
    throw new PerfError('INVALID_ARGUMENT', `invalid metric name "${family.name}"`, {
      field: family.name,
    });
  }
  if (family.unit !== undefined && !family.name.endsWith(`_${family.unit}`)) {
    throw new PerfError(
      'INVALID_ARGUMENT',
      `metric ${family.name} must end with its unit _${family.unit}`,
      {
        field: family.name,
      },
    );
  }
}

/**
 * Writes families in the given exposition format. A family with no samples is left out (its
 * HELP/TYPE alone would tell the scraper nothing). Families are printed in the order given;
 * names must be unique, which the callers in this package guarantee.
 */
export function formatExposition(
  families: ReadonlyArray<MetricFamily>,
  format: ExpositionFormat,
): string {
  const open = format === 'openmetrics';
  const parts: string[] = [];
  for (const family of families) {
    if (family.samples.length === 0) continue;
    checkFamily(family);
    const printed = sampleName(family);
    // OpenMetrics names the family without `_total`/`_info`; the 0.0.4 format names it as sampled.
    const metaName = open ? family.name : printed;
    const type = open ? family.type : family.type === 'info' ? 'gauge' : family.type;
    parts.push(`# HELP ${metaName} ${escapeHelp(family.help)}\n# TYPE ${metaName} ${type}\n`);
    if (open && family.unit !== undefined) parts.push(`# UNIT ${metaName} ${family.unit}\n`);
    for (const sample of family.samples) {
      parts.push(
        `${printed}${labelText(sample.labels, family)} ${formatSampleValue(sample.value)}\n`,
      );
    }
  }
  if (open) parts.push('# EOF\n');
  return parts.join('');
}

export function formatPrometheusText(families: ReadonlyArray<MetricFamily>): string {
  return formatExposition(families, 'prometheus');
}

export function formatOpenMetrics(families: ReadonlyArray<MetricFamily>): string {
  return formatExposition(families, 'openmetrics');
}
