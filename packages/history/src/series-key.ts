import {
  containerNumericFields,
  PerfError,
  systemNumericFields,
  vmNumericFields,
} from '@arcbox/perf-core';

export type SeriesKind = 'system' | 'container' | 'vm';

/** `system`, `container:<id>` or `vm:<id>`. */
export type SeriesKey = 'system' | `container:${string}` | `vm:${string}`;

export function seriesKey(kind: SeriesKind, id?: string): SeriesKey {
  if (kind === 'system') return 'system';
  if (id === undefined || id === '') {
    throw new PerfError('INVALID_ARGUMENT', `a ${kind} series needs an id`, { field: 'id' });
  }
  return `${kind}:${id}`;
}

export function parseSeriesKey(key: string): { kind: SeriesKind; id: string } {
  if (key === 'system') return { kind: 'system', id: 'system' };
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const id = key.slice(colon + 1);
  if (colon > 0 && id !== '' && (kind === 'container' || kind === 'vm')) return { kind, id };
  throw new PerfError(
    'UNKNOWN_SERIES',
    `"${key}" is not a series key (system, container:<id>, vm:<id>)`,
    {
      field: 'series',
    },
  );
}

/** The numeric fields history stores for each kind of series, in column order. */
export function fieldsOf(kind: SeriesKind): readonly string[] {
  if (kind === 'system') return systemNumericFields;
  if (kind === 'container') return containerNumericFields;
  return vmNumericFields;
}
