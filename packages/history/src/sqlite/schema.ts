/** `PRAGMA application_id` of an arcbox-perf history database: "ARCB". */
export const APPLICATION_ID = 0x41524342;

/** `PRAGMA user_version`: bumped with every change of the tables below. */
export const SCHEMA_VERSION = 4;

/**
 * One row per series (its field order, so data is read back by field name even after a
 * release adds fields), and chunks: one per series, tier and flush, rows packed as blobs
 * (times as Float64, values as Float32). A raw chunk is level -1; rollup tiers are 0, 1, ...
 * with min, max, avg and count per field.
 */
export const SCHEMA_V1 = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE series (
  key TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  labels TEXT NOT NULL,
  fields TEXT NOT NULL
);
CREATE TABLE chunks (
  series TEXT NOT NULL REFERENCES series(key),
  level INTEGER NOT NULL,
  first REAL NOT NULL,
  last REAL NOT NULL,
  rows INTEGER NOT NULL,
  times BLOB NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX chunks_by_series ON chunks(series, level, first);
CREATE INDEX chunks_by_age ON chunks(level, last);
`;

/**
 * Schema 2: chunks say how their blobs are stored (`codec`: 0 plain, as schema 1 wrote them;
 * 1 byte-shuffled and deflated). A schema 1 file is migrated in place; its chunks stay codec 0.
 */
export const MIGRATE_V1_TO_V2 = 'ALTER TABLE chunks ADD COLUMN codec INTEGER NOT NULL DEFAULT 0;';

export const SCHEMA_V2 = `${SCHEMA_V1}${MIGRATE_V1_TO_V2}`;

/**
 * Schema 3: lifecycle events (OOM kills, restarts, an engine's events), one row each, so the
 * events of the retention survive a restart. A schema 2 file gains the empty table in place.
 */
export const MIGRATE_V2_TO_V3 = `
CREATE TABLE events (
  time REAL NOT NULL,
  type TEXT NOT NULL,
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  count INTEGER NOT NULL,
  memory_limit REAL,
  exit_code INTEGER
);
CREATE INDEX events_by_time ON events(time);
`;

export const SCHEMA_V3 = `${SCHEMA_V2}${MIGRATE_V2_TO_V3}`;

/**
 * Schema 4: chunks written as codec 2 (column-codec.ts: each value XORed with the one above it,
 * tier blocks deflated too). The tables do not change: a schema 3 file only gets the new
 * version, its codec 0 and 1 chunks are read as they are, and an older release refuses the file
 * as newer instead of failing on a codec it does not know.
 */
export const SCHEMA_V4 = SCHEMA_V3;
