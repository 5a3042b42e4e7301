export type AlertComparison = '>' | '>=' | '<' | '<=';
/** `sum` adds the window's values: counts per interval (OOM kills, restarts) become counts per window. */
export type AlertWindowAggregation = 'avg' | 'max' | 'min' | 'last' | 'sum';
export type AlertSeverity = 'warning' | 'critical';
/** Per rule and matched series: ok, pending (breaching, `for` not yet over), firing, resolved. */
export type AlertState = 'ok' | 'pending' | 'firing' | 'resolved';

/** Which series of a kind a rule watches: every given condition must hold. */
export interface SeriesMatcher {
  /** Exact id, or a glob with `*`. */
  id?: string;
  /** Exact name, or a glob with `*`. */
  name?: string;
  /** Labels the series must carry with these values. */
  labels?: Record<string, string>;
  /** Yes/no facts the kind declares (`memoryLimited` of a container, `readOnly` of a filesystem). */
  facts?: Record<string, boolean>;
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
  /** The kind of series watched: `system`, `container`, `vm`, `filesystem`, ... */
  target: string;
  /** A field of the kind (see its descriptor's `fields`, derived ones included). */
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
