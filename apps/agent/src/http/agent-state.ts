import type {
  FieldUnit,
  KindRegistry,
  LifecycleEvent,
  ProcessMetrics,
  ProcessSort,
} from '@arcbox/perf-core';
import type { AlertComparison, HistoryStore } from '@arcbox/perf-history';
import type { AgentSample } from '../sampler/agent-sample.js';

/** An alert as the API, the dashboard, the log and webhooks show it: the engine's own fields. */
export interface AlertView {
  rule: string;
  description: string | null;
  /** The kind of series (`system`, `container`, `filesystem`, ...). */
  kind: string;
  series: string;
  /** The series' name for people. */
  name: string;
  field: string;
  unit: FieldUnit;
  comparison: AlertComparison;
  warn: number | null;
  crit: number | null;
  clear: number | null;
  state: 'pending' | 'firing' | 'resolved';
  severity: 'warning' | 'critical';
  value: number | null;
  /** The threshold in force: crit while critical, else warn. */
  threshold: number | null;
  /** When the episode began (pending or firing); when it resolved (resolved). */
  since: number;
  /** Why it resolved without the value coming back: the series went away. */
  reason?: 'series-gone';
  /** The value and thresholds in their unit, for people ("93.2 %", "1.5 GiB"). */
  text: { value: string; warn: string | null; crit: string | null; clear: string | null };
  message: string;
}

/** Where history stands, for /readyz. */
export interface HistoryHealth {
  /** Why history is not kept on disk (it still answers from memory); null when all is well. */
  problem: string | null;
}

/** What the HTTP server reads; the agent wires the monitor, history and alerts behind it. */
export interface AgentState {
  /** The kinds of series every answer iterates. */
  kinds: KindRegistry;
  latest(): AgentSample | null;
  subscribe(listener: (sample: AgentSample) => void): () => void;
  history: HistoryStore | null;
  historyHealth(): HistoryHealth;
  alerts(): AlertView[];
  /** Why the agent is not ready yet, or null when it is. */
  notReadyReason(): string | null;
  /** Lifecycle events kept since `since` (ms since the epoch), oldest first, at most `limit`. */
  events?(since: number, limit: number): LifecycleEvent[];
  /** Listens to lifecycle events as they are seen; returns the unsubscribe function. */
  subscribeEvents?(listener: (event: LifecycleEvent) => void): () => void;
  /** Every process (or a container's), sorted and bounded; absent when processes are off. */
  processes?(query: {
    container?: string;
    sort: ProcessSort;
    limit: number;
    signal: AbortSignal;
  }): Promise<ProcessMetrics[]>;
}
