import type { KindRegistry } from '@arcbox/perf-core';
import { badParameter } from './http-error.js';

/**
 * Which fields a stream client takes of each kind it names: `?containers=id,name,cpuPercent`
 * sends each container with those fields only (and its `id`); kinds not named come whole. A
 * page that shows a dozen of a container's sixty fields takes a third of the bytes, which at
 * 500 containers is most of what it reads and parses every second.
 */
export type StreamFields = ReadonlyMap<string, readonly string[]>;

const FIELD = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** Fields one kind may name. */
const MAX_FIELDS = 128;

/**
 * The selection `params` asks for, checked against the kinds' sample keys (each problem is a
 * 400 naming the parameter), and its canonical name (the same selection, the same name); null
 * when it names none (every field of every kind).
 */
export function parseStreamFields(
  params: URLSearchParams,
  kinds: KindRegistry,
): { name: string; fields: StreamFields } | null {
  const keys = new Set(kinds.kinds.map((k) => k.sampleKey));
  const fields = new Map<string, string[]>();
  for (const [key, value] of params) {
    // The old way to give the token (check-auth.ts takes it), not a selection.
    if (key === 'token') continue;
    if (!keys.has(key))
      throw badParameter(
        key.slice(0, 64),
        `unknown parameter (a kind's sample key: ${[...keys].join(', ')})`,
      );
    if (fields.has(key)) throw badParameter(key, 'given twice');
    const list = [...new Set(['id', ...value.split(',').filter((f) => f !== '')])];
    if (list.length > MAX_FIELDS) throw badParameter(key, `more than ${MAX_FIELDS} fields`);
    const bad = list.find((f) => !FIELD.test(f));
    if (bad !== undefined) throw badParameter(key, `"${bad.slice(0, 64)}" is not a field name`);
    fields.set(key, list.sort());
  }
  if (fields.size === 0) return null;
  const name = [...fields]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, f]) => `${k}=${f.join(',')}`)
    .join('&');
  return { name, fields };
}

const pick = (item: unknown, fields: readonly string[]): unknown => {
  if (item === null || typeof item !== 'object') return item;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (Object.hasOwn(item, f)) out[f] = (item as Record<string, unknown>)[f];
  return out;
};

/** `values` (a sample's kinds by sample key) with only the selected fields of the kinds named. */
export function selectStreamFields(
  values: Readonly<Record<string, unknown>>,
  fields: StreamFields,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const [key, list] of fields) {
    const v = values[key];
    out[key] = Array.isArray(v) ? v.map((item) => pick(item, list)) : pick(v, list);
  }
  return out;
}
