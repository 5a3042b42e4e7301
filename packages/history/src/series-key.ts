import {
  createKindRegistry,
  defaultKinds,
  type KindRegistry,
  PerfError,
  storedFieldNames,
} from '@arcbox/perf-core';

/** A kind's name: `system`, `container`, `vm`, `filesystem`, or any registered kind. */
export type SeriesKind = string;

/** `system` for a singleton kind, `<kind>:<id>` for the others (`container:3f2a`). */
export type SeriesKey = string;

/** The registry of the kinds arcbox-perf ships: the default of a store that is given none. */
export function defaultKindRegistry(): KindRegistry {
  return createKindRegistry(defaultKinds());
}

export function seriesKey(kind: SeriesKind, id?: string, kinds?: KindRegistry): SeriesKey {
  if (kinds?.get(kind)?.singleton || (kinds === undefined && kind === 'system')) return kind;
  if (id === undefined || id === '') {
    throw new PerfError('INVALID_ARGUMENT', `a ${kind} series needs an id`, { field: 'id' });
  }
  return `${kind}:${id}`;
}

/** The kind and id of a series key; UNKNOWN_SERIES (listing the kinds) when it names none. */
export function parseSeriesKey(
  key: string,
  kinds: KindRegistry = defaultKindRegistry(),
): { kind: SeriesKind; id: string } {
  const single = kinds.get(key);
  if (single?.singleton) return { kind: key, id: key };
  const colon = key.indexOf(':');
  const kind = kinds.get(key.slice(0, colon));
  const id = key.slice(colon + 1);
  if (colon > 0 && id !== '' && kind && !kind.singleton) return { kind: kind.name, id };
  const forms = kinds.kinds.map((k) => (k.singleton ? k.name : `${k.name}:<id>`));
  throw new PerfError('UNKNOWN_SERIES', `"${key}" is not a series key (${forms.join(', ')})`, {
    field: 'series',
  });
}

/** The numeric fields history stores for a kind, in column order. */
export function fieldsOf(
  kind: SeriesKind,
  kinds: KindRegistry = defaultKindRegistry(),
): readonly string[] {
  return storedFieldNames(kinds.require(kind));
}
