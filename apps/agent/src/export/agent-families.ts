import type { KindRegistry } from '@arcbox/perf-core';
import {
  collectFamilies,
  type MetricFamily,
  type SampleWriter,
  writeSnapshot,
} from '@arcbox/perf-export';
import { writeProcessSamples } from '../http/process-families.js';
import type { AgentSample } from '../sampler/agent-sample.js';

/** What /metrics prints and remote write pushes: one list, so both carry the same series. */
export function agentFamilies(
  sample: AgentSample | null,
  kinds: KindRegistry,
  buildInfo: Record<string, string> | undefined,
): MetricFamily[] {
  return collectFamilies((writer) => writeAgentSamples(writer, sample, kinds, buildInfo));
}

/**
 * `agentFamilies` through a writer: remote write encodes a round from it without building the
 * families /metrics prints (the same tables write both).
 */
export function writeAgentSamples(
  writer: SampleWriter,
  sample: AgentSample | null,
  kinds: KindRegistry,
  buildInfo: Record<string, string> | undefined,
): void {
  writeSnapshot(
    writer,
    {
      ...sample?.values,
      collectors: sample?.collectors ?? [],
      ...(buildInfo ? { buildInfo } : {}),
    },
    { kinds },
  );
  writeProcessSamples(writer);
}
