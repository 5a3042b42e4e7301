import { describe, expect, it } from 'vitest';
import { escapeHelp, escapeLabelValue, formatSampleValue } from './escape.js';
import { formatExposition, negotiateExposition } from './format-exposition.js';
import { createFamily } from './metric-family.js';

describe('escaping', () => {
  it('escapes backslash, quote and newline in label values', () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue('plain')).toBe('plain');
  });
  it('escapes backslash and newline in HELP but keeps quotes', () => {
    expect(escapeHelp('say "hi"\\\nnext')).toBe('say "hi"\\\\\\nnext');
  });
  it('prints special floats the way Prometheus parses them', () => {
    expect(formatSampleValue(Number.NaN)).toBe('NaN');
    expect(formatSampleValue(Number.POSITIVE_INFINITY)).toBe('+Inf');
    expect(formatSampleValue(Number.NEGATIVE_INFINITY)).toBe('-Inf');
    expect(formatSampleValue(0.1)).toBe('0.1');
    expect(formatSampleValue(2 ** 53 + 2)).toBe('9007199254740994');
  });
});

describe('formatExposition', () => {
  const counter = createFamily('x_seconds', 'counter', 'Time.\nTwo lines.', 'seconds');
  counter.add({ id: 'we"ird\\name' }, 1.5);
  counter.add({ id: 'none' }, null);
  const info = createFamily('x', 'info', 'Info.');
  info.add({ v: '1' }, 1);
  const empty = createFamily('y', 'gauge', 'Nothing.');

  it('writes the 0.0.4 text format with _total counters and info as gauge', () => {
    expect(formatExposition([counter.family, info.family, empty.family], 'prometheus')).toBe(
      [
        '# HELP x_seconds_total Time.\\nTwo lines.',
        '# TYPE x_seconds_total counter',
        'x_seconds_total{id="we\\"ird\\\\name"} 1.5',
        '# HELP x_info Info.',
        '# TYPE x_info gauge',
        'x_info{v="1"} 1',
        '',
      ].join('\n'),
    );
  });

  it('writes OpenMetrics with family names, UNIT and # EOF', () => {
    expect(formatExposition([counter.family, info.family], 'openmetrics')).toBe(
      [
        '# HELP x_seconds Time.\\nTwo lines.',
        '# TYPE x_seconds counter',
        '# UNIT x_seconds seconds',
        'x_seconds_total{id="we\\"ird\\\\name"} 1.5',
        '# HELP x Info.',
        '# TYPE x info',
        'x_info{v="1"} 1',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('rejects invalid label names and a unit the name does not end with', () => {
    const bad = createFamily('z', 'gauge', 'z');
    bad.add({ 'bad-name': 'v' }, 1);
    expect(() => formatExposition([bad.family], 'prometheus')).toThrow(
      /invalid label name "bad-name"/,
    );
    const unit = createFamily('z_total_thing', 'gauge', 'z', 'bytes');
    unit.add({}, 1);
    expect(() => formatExposition([unit.family], 'prometheus')).toThrow(/must end with its unit/);
  });
});

describe('negotiateExposition', () => {
  it('chooses OpenMetrics only when asked for', () => {
    expect(negotiateExposition(undefined)).toBe('prometheus');
    expect(negotiateExposition('text/plain;version=0.0.4')).toBe('prometheus');
    // What Prometheus 2.x sends by default.
    expect(
      negotiateExposition(
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      ),
    ).toBe('openmetrics');
    expect(negotiateExposition('application/openmetrics-text;q=0, text/plain')).toBe('prometheus');
  });
});
