/**
 * The `--query-gpu` fields the streaming source asks for, in column order. Every one of them is
 * accepted by drivers from R450 to R595 (`clocks_throttle_reasons.active` is kept as an alias of
 * `clocks_event_reasons.active` on the newer ones; `power.draw` is the instant draw on older
 * drivers and the 1 s average on R535+, where `power.draw.instant` is not on older ones).
 */
export const NVIDIA_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'utilization.memory',
  'memory.used',
  'memory.total',
  'power.draw',
  'power.limit',
  'temperature.gpu',
  'clocks.sm',
  'clocks.mem',
  'fan.speed',
  'pstate',
  'clocks_throttle_reasons.active',
  'ecc.errors.corrected.volatile.total',
  'ecc.errors.uncorrected.volatile.total',
  'utilization.encoder',
  'utilization.decoder',
] as const;

/** The bits of `clocks_throttle_reasons.active` (nvml.h `nvmlClocksThrottleReason*`), by name. */
export const THROTTLE_REASON_BITS: readonly (readonly [number, string])[] = [
  [0x1, 'gpu_idle'],
  [0x2, 'applications_clocks_setting'],
  [0x4, 'sw_power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal_slowdown'],
  [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'],
  [0x100, 'display_clocks_setting'],
];
