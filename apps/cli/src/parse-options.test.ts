import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { intervalOption } from './parse-options.js';

describe('intervalOption (-i, --interval)', () => {
  it('takes bare milliseconds as -i always did, and the durations config files take', () => {
    expect(intervalOption('500')).toBe(500);
    expect(intervalOption('500ms')).toBe(500);
    expect(intervalOption('2s')).toBe(2000);
    expect(intervalOption(' 1m ')).toBe(60_000);
    expect(intervalOption('1m30s')).toBe(90_000);
  });

  it('refuses what is not one, or out of 50 ms..1 h, naming both forms', () => {
    for (const bad of ['', 'fast', '-5', '1.5', '49', '10ms', '2h', '1e3', '0.01s'])
      expect(() => intervalOption(bad), bad).toThrow(InvalidArgumentError);
    expect(() => intervalOption('2h')).toThrow(
      /milliseconds or a duration .* from 50ms to 1h, got "2h"/,
    );
  });
});
