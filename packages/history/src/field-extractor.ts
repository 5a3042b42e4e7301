/** Copies a metrics object's numeric fields into a row, null (or anything not a number) as NaN. */
export type FieldExtractor = (metrics: object, out: Float64Array) => Float64Array;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Builds the extractor for one field list. It is generated code with one plain property read
 * per field, because a loop of `metrics[fields[i]]` is a keyed load whose key changes every
 * iteration: V8 falls back to its megamorphic lookup, and that alone took 60 % of appending a
 * 2,300-value sample. The field names come from perf-core's constant lists, and are checked to
 * be identifiers before any code is made from them.
 */
export function createFieldExtractor(fields: readonly string[]): FieldExtractor {
  for (const f of fields) {
    if (!IDENTIFIER.test(f)) throw new Error(`field name "${f}" is not an identifier`);
  }
  const body = fields
    .map((f, i) => `v = m.${f}; out[${i}] = typeof v === 'number' ? v : NaN;`)
    .join('\n');
  return new Function('m', 'out', `let v;\n${body}\nreturn out;`) as FieldExtractor;
}
