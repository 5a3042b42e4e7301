import { describe, expect, it } from 'vitest';
import { computeProcessMetrics, processKey } from './compute-process-metrics.js';
import { processKind } from './kinds/process-kind.js';
import { processReading } from './process-reading.test-support.js';
import { createSeriesTracker } from './series-tracker.js';

describe('computeProcessMetrics', () => {
  it('has no rates on a first reading (null, not 0)', () => {
    const m = computeProcessMetrics(null, processReading());
    expect(m.id).toBe('100@5000');
    expect(m.name).toBe('java');
    expect(m.labels).toEqual({ pid: '100', comm: 'java', container: '', user: 'app' });
    expect(m.cpuPercent).toBeNull();
    expect(m.cpuPercentOfHost).toBeNull();
    expect(m.ioReadBps).toBeNull();
    expect(m.ioWriteBps).toBeNull();
    expect(m.cpuSeconds).toBe(10);
  });

  it('one busy core over 2 s is 100 % of a core and 25 % of 4 cores; io in bytes/s', () => {
    const a = processReading();
    const b = processReading({
      monotonicMs: 3000,
      cpuSeconds: 12,
      ioReadBytes: 1000 + 4096,
      ioWriteBytes: 2000 + 64 * 2 ** 20,
    });
    const m = computeProcessMetrics(a, b);
    expect(m.intervalMs).toBe(2000);
    expect(m.cpuPercent).toBeCloseTo(100);
    expect(m.cpuPercentOfHost).toBeCloseTo(25);
    expect(m.ioReadBps).toBe(2048);
    expect(m.ioWriteBps).toBe(32 * 2 ** 20);
  });

  it('unreadable io stays null (never 0), and so do its rates', () => {
    const a = processReading({ ioReadBytes: null, ioWriteBytes: null });
    const b = processReading({ ioReadBytes: null, ioWriteBytes: null, monotonicMs: 2000 });
    const m = computeProcessMetrics(a, b);
    expect(m.ioReadBytes).toBeNull();
    expect(m.ioReadBps).toBeNull();
    expect(m.ioWriteBps).toBeNull();
  });

  it('a previous reading of another process with the same pid gives no rates', () => {
    const a = processReading({ cpuSeconds: 1 });
    const b = processReading({ startTime: 9000, cpuSeconds: 3, monotonicMs: 2000 });
    expect(computeProcessMetrics(a, b).cpuPercent).toBeNull();
  });

  it('CPU seconds that go down are a reset: no rate, never negative', () => {
    const a = processReading({ cpuSeconds: 10 });
    const b = processReading({ cpuSeconds: 4, monotonicMs: 2000 });
    expect(computeProcessMetrics(a, b).cpuPercent).toBeNull();
  });

  it('a reused pid is two series in a tracker: the new one starts with no rate', () => {
    const tracker = createSeriesTracker(processKind.keyOf, processKind.compute);
    tracker.update([processReading({ pid: 7, startTime: 100 })]);
    const [old] = tracker.update([
      processReading({ pid: 7, startTime: 100, monotonicMs: 2000, cpuSeconds: 11 }),
    ]);
    expect(old?.cpuPercent).toBeCloseTo(100);
    const [reused] = tracker.update([
      processReading({ pid: 7, startTime: 250, monotonicMs: 3000, cpuSeconds: 0.5 }),
    ]);
    expect(reused?.id).toBe('7@250');
    expect(reused?.id).not.toBe(old?.id);
    expect(reused?.cpuPercent).toBeNull();
    expect(tracker.ids()).toEqual([processKey({ pid: 7, startTime: 250 })]);
  });
});
