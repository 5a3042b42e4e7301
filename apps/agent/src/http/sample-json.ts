import { formatJson } from '@arcbox/perf-export';
import type { KindRegistry } from '@arcbox/perf-core';
import type { AgentSample } from '../sampler/agent-sample.js';

/** A sample as the snapshot answers it: every kind under its sample key, then the collectors. */
export function snapshotJson(sample: AgentSample, kinds: KindRegistry): string {
  return formatJson({ ...sample.values, collectors: sample.collectors }, { kinds });
}

/** A sample as the stream sends it: the snapshot with the round's time first. */
export function streamJson(sample: AgentSample, kinds: KindRegistry): string {
  return `{"time":${sample.time},${snapshotJson(sample, kinds).slice(1)}`;
}
