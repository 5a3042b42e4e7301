import type { SeriesKind } from '../series-key.js';

export type AlertComparison = '>' | '>=' | '<' | '<=';
export type AlertWindowAggregation = 'avg' | 'max' | 'min' | 'last';
export type AlertSeverity = 'warning' | 'critical';
/** Per rule and matched series: ok, pending (breaching, `for` not yet over), firing, resolved. */
export type AlertState = 'ok' | 'pending' | 'firing' | 'resolved';

/** Which containers or VMs a rule watches: every given condition must hold. */
export interface SeriesMatcher {
  /** Exact id, or a glob with `*`. */
  id?: string;
  /** Exact name, or a glob with `*`. */
  name?: string;
  /** Labels the container must carry with these values. */
  labels?: Record<string, string>;
  /** Only containers with a memory limit (memoryPercent is then relative to the limit). */
  memoryLimited?: boolean;
}

/**
 * A threshold rule in the manner of Netdata's health alarms and Prometheus alerting rules: the
 * metric over a window, compared with warn and crit thresholds, breaching for `forSeconds`
 * before it fires, and resolving only once it crosses `clear` (hysteresis: raise at 85, clear
 * below 75).
 */
export interface AlertRule {
  name: string;
  description?: string;
  target: SeriesKind;
  /** A numeric field of the target's metrics, or a derived one (see `derivedAlertFields`). */
  field: string;
  match?: SeriesMatcher;
  comparison: AlertComparison;
  warn: number | null;
  crit: number | null;
  /** Once firing, the alert resolves only when the value is past this (below it for > and >=). */
  clear: number | null;
  windowSeconds: number;
  windowAggregation: AlertWindowAggregation;
  forSeconds: number;
}

/** Fields alerts can watch beyond the metrics' own: load per core = load / online CPUs. */
export const derivedAlertFields = {
  system: ['load1PerCore', 'load5PerCore', 'load15PerCore'],
  container: [],
  vm: [],
} as const satisfies Record<SeriesKind, readonly string[]>;

const MINUTE = 60;

/**
 * What the anchors ship (Netdata's cpu/ram/cgroup alarms, kube-prometheus' node and container
 * rules): CPU over 90 % for 15 min, memory over 90 % for 15 min, a container over 90 % of its
 * memory limit for 5 min, load per core over 2 for 15 min. Crit levels and clear thresholds
 * (10 points below warn) follow Netdata's hysteresis habit.
 */
export const defaultAlertRules: readonly AlertRule[] = Object.freeze([
  {
    name: 'host-cpu-high',
    description: 'Host CPU busy above 90 % for 15 minutes',
    target: 'system',
    field: 'cpuPercent',
    comparison: '>',
    warn: 90,
    crit: 98,
    clear: 80,
    windowSeconds: MINUTE,
    windowAggregation: 'avg',
    forSeconds: 15 * MINUTE,
  },
  {
    name: 'host-memory-high',
    description: 'Host memory used above 90 % for 15 minutes',
    target: 'system',
    field: 'memoryPercent',
    comparison: '>',
    warn: 90,
    crit: 97,
    clear: 80,
    windowSeconds: MINUTE,
    windowAggregation: 'avg',
    forSeconds: 15 * MINUTE,
  },
  {
    name: 'container-memory-near-limit',
    description: 'Container working set above 90 % of its memory limit for 5 minutes',
    target: 'container',
    field: 'memoryPercent',
    match: { memoryLimited: true },
    comparison: '>',
    warn: 90,
    crit: 98,
    clear: 80,
    windowSeconds: MINUTE,
    windowAggregation: 'avg',
    forSeconds: 5 * MINUTE,
  },
  {
    name: 'host-load-per-core-high',
    description: '1-minute load per core above 2 for 15 minutes',
    target: 'system',
    field: 'load1PerCore',
    comparison: '>',
    warn: 2,
    crit: 4,
    clear: 1.5,
    windowSeconds: MINUTE,
    windowAggregation: 'avg',
    forSeconds: 15 * MINUTE,
  },
] satisfies AlertRule[]);
