import { type AlertRule, defaultKinds, type KindRegistry } from '@arcbox/perf-core';

/** Every registered kind's default rules, in registration order. */
export function defaultRulesOf(kinds: KindRegistry): AlertRule[] {
  return kinds.kinds.flatMap((k) => k.defaultRules);
}

/**
 * What the anchors ship (Netdata's cpu/ram/cgroup/disk alarms, kube-prometheus' node and
 * container rules), for the kinds arcbox-perf ships: host CPU, memory and load per core, a
 * container near its memory limit, a writable filesystem 90 % full.
 */
export const defaultAlertRules: readonly AlertRule[] = Object.freeze(
  defaultKinds().flatMap((k) => k.defaultRules),
);
