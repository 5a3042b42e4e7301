import type { AgentSample } from '../sampler/agent-sample.js';

/** What `/api/v1/history` needs of a history store (@arcbox/perf-history's HistoryStore fits). */
export interface HistorySource {
  query(query: {
    series: string;
    fields?: readonly string[];
    from?: number;
    to?: number;
    step?: number;
    aggregation?: 'avg' | 'min' | 'max' | 'last';
  }): unknown;
  series(): ReadonlyArray<{
    key: string;
    kind: string;
    id: string;
    name?: string;
    lastTime: number;
  }>;
}

export interface AlertView {
  rule: string;
  series: string;
  name: string;
  field: string;
  state: 'pending' | 'firing' | 'resolved';
  severity: 'warning' | 'critical';
  value: number | null;
  threshold: number | null;
  since: number;
  message: string;
}

/** What the HTTP server reads; the agent wires the sampler, history and alert engine behind it. */
export interface AgentState {
  latest(): AgentSample | null;
  subscribe(listener: (sample: AgentSample) => void): () => void;
  history: HistorySource | null;
  alerts(): AlertView[];
  /** Why the agent is not ready yet, or null when it is. */
  notReadyReason(): string | null;
}
