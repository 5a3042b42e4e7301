import { formatJson } from '@arcbox/perf-export';
import type { KindRegistry, KindValues } from '@arcbox/perf-core';
import type { AgentSample } from '../sampler/agent-sample.js';
import { selectStreamFields, type StreamFields } from './stream-fields.js';

/** A sample as the snapshot answers it: every kind under its sample key, then the collectors. */
export function snapshotJson(sample: AgentSample, kinds: KindRegistry): string {
  return formatJson({ ...sample.values, collectors: sample.collectors }, { kinds });
}

/**
 * A sample as the stream sends it: the snapshot with the round's time first; with `fields`,
 * only those fields of the kinds they name (stream-fields.ts).
 */
export function streamJson(
  sample: AgentSample,
  kinds: KindRegistry,
  fields: StreamFields | null = null,
): string {
  const values = fields ? (selectStreamFields(sample.values, fields) as KindValues) : sample.values;
  const body = formatJson({ ...values, collectors: sample.collectors }, { kinds });
  return `{"time":${sample.time},${body.slice(1)}`;
}
