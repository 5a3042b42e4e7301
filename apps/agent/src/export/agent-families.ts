import type { KindRegistry } from '@arcbox/perf-core';
import { type MetricFamily, snapshotFamilies } from '@arcbox/perf-export';
import { processFamilies } from '../http/process-families.js';
import type { AgentSample } from '../sampler/agent-sample.js';

/** What /metrics prints and remote write pushes: one list, so both carry the same series. */
export function agentFamilies(
  sample: AgentSample | null,
  kinds: KindRegistry,
  buildInfo: Record<string, string> | undefined,
): MetricFamily[] {
  const families = snapshotFamilies(
    {
      ...sample?.values,
      collectors: sample?.collectors ?? [],
      ...(buildInfo ? { buildInfo } : {}),
    },
    { kinds },
  );
  return [...families, ...processFamilies()];
}
