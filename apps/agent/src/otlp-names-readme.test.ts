import { readFileSync } from 'node:fs';
import { OTEL_NAMES } from '@arcbox/perf-otlp';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('the README’s OpenTelemetry name table', () => {
  it('is the mapping the agent pushes under, row for row', () => {
    const rows = [
      ...readme.matchAll(
        /^\| `(arcbox_perf_\w+)` \| `([\w.]+)` \| `([^`]*)` \| (\w+) \| ([^|]*) \|$/gm,
      ),
    ];
    const documented = rows.map((r) => [r[1], r[2], r[3], r[4], r[5]!.trim()]);
    const actual = Object.entries(OTEL_NAMES).map(([ours, o]) => [
      ours,
      o.name,
      o.unit,
      o.instrument,
      Object.entries(o.attributes({}))
        .filter(([, v]) => v !== '' && !Number.isNaN(v))
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
    ]);
    expect(documented).toEqual(actual);
  });
});
