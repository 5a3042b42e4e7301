import type { RuleConfig } from '../config/agent-config.js';

const rule = (r: Partial<RuleConfig> & Pick<RuleConfig, 'name' | 'field'>): RuleConfig => ({
  scope: 'system',
  op: '>',
  warn: null,
  crit: null,
  clear: null,
  forMs: 0,
  windowMs: 0,
  match: null,
  ...r,
});

/**
 * The rules an agent runs with when its config has none, matching what node_exporter's mixin and
 * Netdata ship: sustained CPU and memory above 90 %, a container near its memory limit, and a
 * load of more than two runnable tasks per core.
 */
export const defaultRules: readonly RuleConfig[] = [
  rule({
    name: 'host-cpu-high',
    field: 'cpuPercent',
    warn: 90,
    clear: 80,
    forMs: 15 * 60_000,
    windowMs: 60_000,
  }),
  rule({
    name: 'host-memory-high',
    field: 'memoryPercent',
    warn: 90,
    crit: 95,
    clear: 85,
    forMs: 15 * 60_000,
  }),
  rule({
    name: 'container-memory-near-limit',
    scope: 'container',
    field: 'memoryPercent',
    warn: 90,
    clear: 85,
    forMs: 5 * 60_000,
    // memoryPercent of a container without a limit is relative to the host: only limited ones here.
    match: null,
  }),
  rule({
    name: 'host-load-per-core-high',
    field: 'loadPerCore',
    warn: 2,
    clear: 1.5,
    forMs: 15 * 60_000,
  }),
];
