import type { FileReader } from '../fs/file-reader.js';
import { parseCounter } from '../host/parse-number.js';

/**
 * Readings in a row over which the host's OOM kill count must hold before a cgroup's own count
 * is carried instead of read. The kernel counts a kill in /proc/vmstat just before it counts it
 * in the victim's cgroup (`__oom_kill_process`: `count_vm_event(OOM_KILL)`, then
 * `memcg_memory_event_mm(mm, MEMCG_OOM_KILL)`); a reading that fell between the two sees the
 * host's count moved and not yet the cgroup's, so every cgroup is read again at the next two.
 */
const QUIET_READINGS = 3;

/** The host's OOM kill count, /proc/vmstat `oom_kill` (kernel 4.13 and later), or null. */
export function vmstatOomKills(text: string): number | null {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? parseCounter(m[1]) : null;
}

/** Once a round: whether no OOM kill happened on the host over the last readings. */
export interface HostOomKills {
  quiet(): boolean;
}

/**
 * Watches /proc/vmstat's `oom_kill` through `reader` (one read a round). While it holds, no
 * cgroup's `oom_kill` can have moved, so v1's `memory.oom_control` (one more file per container)
 * need not be read. Null from the file (absent, unreadable, a kernel without the line): never quiet.
 */
export function createHostOomKills(reader: FileReader): HostOomKills {
  let last: number | null = null;
  let held = 0;
  return {
    quiet() {
      let now: number | null = null;
      try {
        const text = reader.read('proc/vmstat', 64 * 1024);
        now = text === null ? null : vmstatOomKills(text);
      } catch {
        now = null;
      }
      held = now !== null && now === last ? held + 1 : 0;
      last = now;
      return held >= QUIET_READINGS;
    },
  };
}
