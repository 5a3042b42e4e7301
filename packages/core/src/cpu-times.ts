import { clamp } from './units.js';

/**
 * Cumulative CPU time per mode, in seconds. Linux /proc/stat columns; macOS os.cpus() fills
 * user, nice, system, idle and irq and leaves the rest 0. As on Linux, guest time is already
 * counted in user and guestNice in nice.
 */
export interface CpuTimes {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
  guest: number;
  guestNice: number;
}

/** One core's times, identified by the kernel's CPU id (not list position: CPUs go offline). */
export interface CoreTimes {
  id: number;
  times: CpuTimes;
}

/** Share of the interval spent in each mode, in percent (0..100). */
export interface CpuBreakdown {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface CpuUsage {
  percent: number;
  breakdown: CpuBreakdown;
  /** Seconds of CPU time (all modes) the interval covered. */
  totalSeconds: number;
  /** Seconds of CPU time spent busy (not idle or iowait). */
  busySeconds: number;
}

/** The columns of a /proc/stat cpu line, in their order. */
export const cpuTimeModes = [
  'user',
  'nice',
  'system',
  'idle',
  'iowait',
  'irq',
  'softirq',
  'steal',
  'guest',
  'guestNice',
] as const satisfies ReadonlyArray<keyof CpuTimes>;

/** Idle dropping by this much means the core went offline and came back (node_exporter #1686). */
export const HOTPLUG_IDLE_DROP_SECONDS = 3;

export function emptyCpuTimes(): CpuTimes {
  return {
    user: 0,
    nice: 0,
    system: 0,
    idle: 0,
    iowait: 0,
    irq: 0,
    softirq: 0,
    steal: 0,
    guest: 0,
    guestNice: 0,
  };
}

/**
 * CPU usage between two readings of the same CPU (or of the sum of all). Each column's delta is
 * clamped at 0 (psutil #392); total excludes guest columns, already counted in user and nice.
 * `null` when no time passed, or when the idle counter dropped by HOTPLUG_IDLE_DROP_SECONDS
 * or more (a core that went offline and came back starts over).
 */
export function cpuUsage(previous: CpuTimes, current: CpuTimes): CpuUsage | null {
  if (previous.idle - current.idle >= HOTPLUG_IDLE_DROP_SECONDS) return null;
  const d = {} as Record<(typeof cpuTimeModes)[number], number>;
  for (const mode of cpuTimeModes) {
    const delta = current[mode] - previous[mode];
    d[mode] = Number.isFinite(delta) && delta > 0 ? delta : 0;
  }
  // Sum of all columns minus guest and guestNice, which user and nice already contain.
  const total = d.user + d.nice + d.system + d.idle + d.iowait + d.irq + d.softirq + d.steal;
  if (!(total > 0)) return null;
  const idle = d.idle + d.iowait;
  const busy = total - idle;
  const pct = (x: number) => clamp((100 * x) / total, 0, 100);
  return {
    percent: pct(busy),
    totalSeconds: total,
    busySeconds: busy,
    breakdown: {
      user: pct(d.user),
      nice: pct(d.nice),
      system: pct(d.system),
      idle: pct(d.idle),
      iowait: pct(d.iowait),
      irq: pct(d.irq),
      softirq: pct(d.softirq),
      steal: pct(d.steal),
    },
  };
}
