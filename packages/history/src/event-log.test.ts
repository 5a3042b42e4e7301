import type { LifecycleEvent } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createEventLog } from './event-log.js';

const ev = (time: number, name = 'web-1'): LifecycleEvent => ({
  time,
  type: 'oom-kill',
  kind: 'container',
  id: name,
  name,
  source: 'counter',
  count: 1,
  memoryLimit: null,
  exitCode: null,
});

describe('event log', () => {
  it('answers since a time in time order, drops what aged out and bounds the count', () => {
    const log = createEventLog({ maxAgeMs: 1000, maxEvents: 3 });
    log.append(ev(100));
    log.append(ev(300));
    log.append(ev(200)); // an engine stamp older than the last counter event
    expect(log.since(150).map((e) => e.time)).toEqual([200, 300]);
    log.append(ev(400));
    expect(log.size).toBe(3);
    expect(log.since(0).map((e) => e.time)).toEqual([200, 300, 400]);
    log.sweep(1350);
    expect(log.since(0).map((e) => e.time)).toEqual([400]);
    expect(log.since(0, 0)).toEqual([]);
  });

  it('tells listeners of each event', () => {
    const log = createEventLog();
    const seen: number[] = [];
    const off = log.subscribe((e) => seen.push(e.time));
    log.append(ev(1));
    off();
    log.append(ev(2));
    expect(seen).toEqual([1]);
  });
});
