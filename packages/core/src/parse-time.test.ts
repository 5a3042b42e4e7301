import { describe, expect, it } from 'vitest';
import { formatDuration, MAX_TIMER_MS, parseDuration } from './parse-duration.js';
import { parseTime } from './parse-time.js';

describe('parseDuration', () => {
  it('reads units and sums, and refuses bare numbers and junk', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('10')).toBeNull();
    expect(parseDuration('10s5')).toBeNull();
    expect(parseDuration('-1s')).toBeNull();
    expect(parseDuration(`${'9'.repeat(400)}d`)).toBeNull();
    expect(formatDuration(90_000)).toBe('90s');
    expect(MAX_TIMER_MS).toBe(2_147_483_647);
  });
});

describe('parseTime', () => {
  const now = Date.UTC(2026, 11, 5, 12);
  it('reads epoch ms, ISO dates, now and durations ago', () => {
    expect(parseTime('1764921600000', now)).toBe(1764921600000);
    expect(parseTime('2026-12-05T09:00:00Z', now)).toBe(Date.UTC(2026, 11, 5, 9));
    expect(parseTime('now', now)).toBe(now);
    expect(parseTime('-1h', now)).toBe(now - 3_600_000);
  });

  it('refuses what it would have to guess', () => {
    for (const bad of ['yesterday', '-1', '1h', '', 'Dec 5', '2026-13-45'])
      expect(parseTime(bad, now), bad).toBeNull();
  });
});
