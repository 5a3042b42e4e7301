import { describe, expect, it } from 'vitest';
import type { LifecycleEvent } from './lifecycle-event.js';
import { createOomEventMerge } from './merge-oom-events.js';

const MIB = 2 ** 20;
const engineOom = (id: string, time: number): LifecycleEvent => ({
  time,
  type: 'oom',
  kind: 'container',
  id,
  name: `n-${id}`,
  source: 'engine',
  count: 1,
  memoryLimit: null,
  exitCode: null,
});
const counted = (id: string, time: number, count: number): LifecycleEvent => ({
  time,
  type: 'oom-kill',
  kind: 'container',
  id,
  name: `n-${id}`,
  source: 'counter',
  count,
  memoryLimit: 64 * MIB,
  exitCode: null,
});

describe('createOomEventMerge', () => {
  it('an engine oom then the counted kill of the same container is one event, both sources named, the counter’s count and limit kept', () => {
    const merge = createOomEventMerge();
    expect(merge.offer(engineOom('a', 1000))).toEqual([]);
    expect(merge.held).toBe(1);
    expect(merge.offer(counted('a', 1500, 2))).toEqual([
      { ...counted('a', 1500, 2), source: 'counter+engine' },
    ]);
    expect(merge.held).toBe(0);
    expect(merge.endRound()).toEqual([]);
    expect(merge.endRound()).toEqual([]);
  });

  it('the counted kill first: an engine oom within the rounds is dropped, one after them is its own', () => {
    const merge = createOomEventMerge({ holdRounds: 2 });
    expect(merge.offer(counted('a', 1000, 1))).toEqual([counted('a', 1000, 1)]);
    merge.endRound();
    expect(merge.offer(engineOom('a', 900))).toEqual([]);
    expect(merge.held).toBe(0);
    merge.endRound();
    // Two rounds on: a new engine oom is a new incident, held again.
    expect(merge.offer(engineOom('a', 5000))).toEqual([]);
    expect(merge.held).toBe(1);
  });

  it('a counted kill only takes in the oom of its own container', () => {
    const merge = createOomEventMerge();
    merge.offer(engineOom('b', 1000));
    expect(merge.offer(counted('a', 1200, 1))).toEqual([counted('a', 1200, 1)]);
    expect(merge.held).toBe(1);
  });

  it('an engine oom nothing counted comes out as it came after its rounds, not before', () => {
    const merge = createOomEventMerge({ holdRounds: 2 });
    merge.offer(engineOom('a', 1000));
    expect(merge.endRound()).toEqual([]);
    expect(merge.endRound()).toEqual([engineOom('a', 1000)]);
    expect(merge.held).toBe(0);
  });

  it('other events go through untouched, a counter restart and an engine die included', () => {
    const merge = createOomEventMerge();
    const die: LifecycleEvent = { ...engineOom('a', 1), type: 'die', exitCode: 137 };
    const restart: LifecycleEvent = { ...counted('a', 2, 1), type: 'restart' };
    expect(merge.offer(die)).toEqual([die]);
    expect(merge.offer(restart)).toEqual([restart]);
  });

  it('holds at most maxHeld; past it an engine oom is published at once (hostile flood)', () => {
    const merge = createOomEventMerge({ maxHeld: 3 });
    for (let i = 0; i < 3; i++) expect(merge.offer(engineOom(`c${i}`, i))).toEqual([]);
    expect(merge.offer(engineOom('c9', 9))).toEqual([engineOom('c9', 9)]);
    expect(merge.held).toBe(3);
    expect(merge.drain().map((e) => e.id)).toEqual(['c0', 'c1', 'c2']);
    expect(merge.held).toBe(0);
  });
});
