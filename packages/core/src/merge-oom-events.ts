import type { LifecycleEvent } from './lifecycle-event.js';

export interface OomEventMergeOptions {
  /**
   * Rounds an engine's `oom` waits for the cgroup counter to see the same kill, and rounds after
   * a counted kill in which an engine's `oom` is taken as that kill; 2 by default (a kill is
   * counted by the first reading after it, or the next one when it fell during a reading).
   */
  holdRounds?: number;
  /** Engine `oom` events held at most; past it one is published as it came. 1,000 by default. */
  maxHeld?: number;
}

/**
 * Makes one event of one OOM kill seen twice: by the cgroup counter (`oom-kill`, source
 * `counter`) and by the engine's `/events` (`oom`, source `engine`). The rule (SEMANTICS.md,
 * Container lifecycle): for the same container id, an engine `oom` and a counted `oom-kill`
 * within `holdRounds` rounds of each other are one incident.
 * - An engine `oom` is held; a counted kill in time takes it in and is published once, with the
 *   counter's count and limit and source `counter+engine`.
 * - An engine `oom` after a counted kill of the same container, within the rounds, is dropped.
 * - An engine `oom` nothing counted (no cgroup counter: an engine on macOS, a kernel before
 *   4.13) is published as it came once its rounds have passed.
 * Every other event goes through untouched.
 */
export interface OomEventMerge {
  /** One event as it arrives; returns what to publish now (none, it, or the merged one). */
  offer(event: LifecycleEvent): LifecycleEvent[];
  /** A round of readings ended; returns the engine `oom`s whose wait is over. */
  endRound(): LifecycleEvent[];
  /** Everything still held (the monitor closes). */
  drain(): LifecycleEvent[];
  /** Engine `oom` events held now. */
  readonly held: number;
}

export function createOomEventMerge(options: OomEventMergeOptions = {}): OomEventMerge {
  const holdRounds = Math.max(1, Math.floor(options.holdRounds ?? 2));
  const maxHeld = Math.max(0, Math.floor(options.maxHeld ?? 1000));
  let round = 0;
  let heldCount = 0;
  // By container id: the engine's `oom`s waiting, with the round each came in.
  const held = new Map<string, { round: number; event: LifecycleEvent }[]>();
  // By container id: the round of the last counted kill.
  const counted = new Map<string, number>();
  const key = (e: LifecycleEvent) => `${e.kind}\u0000${e.id}`;

  return {
    offer(event) {
      const k = key(event);
      if (event.type === 'oom' && event.source === 'engine') {
        const last = counted.get(k);
        if (last !== undefined && round - last < holdRounds) return [];
        if (heldCount >= maxHeld) return [event];
        const list = held.get(k) ?? [];
        list.push({ round, event });
        held.set(k, list);
        heldCount += 1;
        return [];
      }
      if (event.type === 'oom-kill' && event.source === 'counter') {
        counted.set(k, round);
        const waiting = held.get(k);
        if (!waiting) return [event];
        held.delete(k);
        heldCount -= waiting.length;
        return [{ ...event, source: 'counter+engine' }];
      }
      return [event];
    },
    endRound() {
      round += 1;
      const out: LifecycleEvent[] = [];
      for (const [k, list] of held) {
        const keep = list.filter((h) => round - h.round < holdRounds);
        for (const h of list) if (round - h.round >= holdRounds) out.push(h.event);
        heldCount -= list.length - keep.length;
        if (keep.length === 0) held.delete(k);
        else held.set(k, keep);
      }
      for (const [k, at] of counted) if (round - at >= holdRounds) counted.delete(k);
      return out.sort((a, b) => a.time - b.time);
    },
    drain() {
      const out = [...held.values()].flat().map((h) => h.event);
      held.clear();
      heldCount = 0;
      return out.sort((a, b) => a.time - b.time);
    },
    get held() {
      return heldCount;
    },
  };
}
