import { globMatches } from '@arcbox/perf-history';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globMatcher, isAtom, promDuration } from './promql-text.js';

describe('globMatcher', () => {
  it('keeps a name without * as an exact matcher, quoting " and \\', () => {
    expect(globMatcher('web.1')).toBe('="web.1"');
    expect(globMatcher('a"b\\c')).toBe('="a\\"b\\\\c"');
  });

  it('turns * into .* and escapes every regex character of the literal parts', () => {
    expect(globMatcher('web.*')).toBe('=~"web\\\\..*"');
    expect(globMatcher('*(x)+[y]{2}|z?^$')).toBe(
      '=~".*\\\\(x\\\\)\\\\+\\\\[y\\\\]\\\\{2\\\\}\\\\|z\\\\?\\\\^\\\\$"',
    );
  });

  it('matches exactly what our glob matches, anchored as Prometheus anchors it', () => {
    const chars = ['a', 'b', '.', '(', '[', '\\', '|', '+', '?', '-'];
    const glob = fc.string({ unit: fc.constantFrom(...chars, '*', '*'), maxLength: 8 });
    const text = fc.string({ unit: fc.constantFrom(...chars), maxLength: 8 });
    fc.assert(
      fc.property(glob, text, (glob, value) => {
        const matcher = globMatcher(glob);
        const quoted = matcher.replace(/^=~?/, '');
        // PromQL strings escape as JSON does for these characters.
        const body = JSON.parse(quoted) as string;
        const prometheus = matcher.startsWith('=~')
          ? new RegExp(`^(?:${body})$`).test(value)
          : body === value;
        return prometheus === globMatches(glob, value);
      }),
    );
  });
});

describe('promDuration', () => {
  it('writes Prometheus durations, milliseconds included', () => {
    expect(promDuration(900_000)).toBe('15m');
    expect(promDuration(59_999)).toBe('59s999ms');
    expect(promDuration(600_001)).toBe('10m1ms');
    expect(promDuration(5_400_000)).toBe('1h30m');
  });
});

describe('isAtom', () => {
  it('needs no parentheses for a selector or one call spanning the text', () => {
    expect(isAtom('arcbox_perf_load1{name="a"}')).toBe(true);
    expect(isAtom('max_over_time(x[1m])')).toBe(true);
    expect(isAtom('(a) - (b)')).toBe(false);
    expect(isAtom('rate(x[1m]) / rate(y[1m])')).toBe(false);
    expect(isAtom('f(x{name=")"})')).toBe(true);
  });
});
