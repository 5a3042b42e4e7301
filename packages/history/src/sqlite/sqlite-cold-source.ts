import { PerfError } from '@arcbox/perf-core';
import type { ColdRows, ColdSeries, ColdSource } from '../cold-source.js';
import { decodeBlob } from './chunk-codec.js';
import { COLUMN_CODEC, decodeColumns, decodeTimes } from './column-codec.js';
import type { SqliteDatabase } from './sqlite-driver.js';

interface Chunk {
  level: number;
  rows: number;
  times: Uint8Array;
  data: Uint8Array;
  codec?: number;
}

/** A blob's bytes as a typed array, copied so it is aligned whatever the driver returns. */
function floats<T extends Float32Array | Float64Array>(
  blob: Uint8Array,
  Type: { new (buffer: ArrayBuffer): T },
): T {
  return new Type(
    blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength) as ArrayBuffer,
  );
}

/**
 * A chunk's rows as the store reads them back. The header is checked against the blobs (the
 * file is untrusted: a `rows` larger than its blobs hold made a loader loop over 1e9 rows that
 * are not there, and a deflated blob could inflate without bound).
 */
export function decodeChunk(
  c: Chunk,
  fields: readonly string[],
  series: string,
  wanted?: readonly string[],
): ColdRows {
  const perRow = c.level < 0 ? fields.length : 4 * fields.length;
  const where = `history chunk of ${series} (level ${c.level})`;
  if (
    !Number.isSafeInteger(c.rows) ||
    c.rows < 0 ||
    c.rows > 1_000_000 ||
    !(c.times instanceof Uint8Array) ||
    !(c.data instanceof Uint8Array)
  ) {
    throw new PerfError('STORE_ERROR', `${where} says ${c.rows} rows: the file is damaged`, {
      field: 'chunks.rows',
    });
  }
  const codec = c.codec ?? 0;
  const columns = codec === COLUMN_CODEC;
  const times = columns
    ? decodeTimes(c.times, c.rows, where)
    : decodeBlob(c.times, codec, 8, c.rows * 8, where);
  const data = columns
    ? decodeColumns(c.data, c.rows, perRow, where, wanted && columnsOf(fields, wanted, perRow))
    : decodeBlob(c.data, codec, 4, c.rows * perRow * 4, where);
  if (times.byteLength !== c.rows * 8 || data.byteLength !== c.rows * perRow * 4) {
    throw new PerfError(
      'STORE_ERROR',
      `${where} says ${c.rows} rows but holds ${times.byteLength} bytes of times and ${data.byteLength} of values: the file is damaged`,
      { field: 'chunks.rows' },
    );
  }
  return { fields, times: floats(times, Float64Array), values: floats(data, Float32Array) };
}

/** 1 for each column holding one of `wanted` (its min, max, avg and count in a tier row). */
function columnsOf(fields: readonly string[], wanted: readonly string[], perRow: number) {
  const n = fields.length;
  const out = new Uint8Array(perRow);
  for (const name of wanted) {
    const j = fields.indexOf(name);
    if (j < 0) continue;
    for (let c = j; c < perRow; c += n) out[c] = 1;
  }
  return out;
}

function fieldList(text: unknown, series: string): string[] {
  const list: unknown = JSON.parse(String(text));
  if (!Array.isArray(list) || !list.every((f) => typeof f === 'string'))
    throw new PerfError('STORE_ERROR', `history series ${series} has no readable field list`, {
      field: 'series.fields',
    });
  return list;
}

/** What the history store reads from the database when its memory does not hold it. */
export function createSqliteColdSource(
  db: SqliteDatabase,
): ColdSource & { forget(key: string): void } {
  const chunks = db.prepare(
    'SELECT level, rows, times, data, codec FROM chunks WHERE series = ? AND level = ? AND last >= ? AND first <= ? ORDER BY first',
  );
  const fieldsOf = db.prepare('SELECT fields FROM series WHERE key = ?');
  const list = db.prepare(
    'SELECT s.key, s.kind, s.id, s.name, s.labels, s.fields, min(c.first) AS firstTime, max(c.last) AS lastTime ' +
      'FROM series s JOIN chunks c ON c.series = s.key GROUP BY s.key',
  );
  const known = new Map<string, string[]>();
  const fields = (key: string): string[] | null => {
    let f = known.get(key);
    if (!f) {
      const row = fieldsOf.get(key);
      if (!row) return null;
      f = fieldList(row.fields, key);
      known.set(key, f);
    }
    return f;
  };
  return {
    rows(series, level, from, to, wanted) {
      const f = fields(series);
      if (!f) return [];
      const out: ColdRows[] = [];
      for (const c of chunks.iterate(series, level, from, to))
        out.push(decodeChunk(c as unknown as Chunk, f, series, wanted));
      return out;
    },
    series(): ColdSeries[] {
      return (list.all() as Array<Record<string, unknown>>).map((r) => ({
        key: String(r.key),
        kind: String(r.kind),
        id: String(r.id),
        name: String(r.name),
        labels: JSON.parse(String(r.labels)) as Record<string, string>,
        fields: fieldList(r.fields, String(r.key)),
        firstTime: Number(r.firstTime),
        lastTime: Number(r.lastTime),
      }));
    },
    has: (key) => fields(key) !== null,
    /** A series' field list changed (a newer release): read it again. */
    forget: (key) => {
      known.delete(key);
    },
  };
}
