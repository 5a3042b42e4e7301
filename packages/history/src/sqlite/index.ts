export { openSqliteHistory } from './sqlite-history.js';
export type { FlushResult, SqliteHistory, SqliteHistoryOptions } from './sqlite-history.js';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
export { loadSqliteDriver } from './sqlite-driver.js';
export type {
  SqliteDatabase,
  SqliteDriver,
  SqliteDriverName,
  SqliteRow,
  SqliteStatement,
  SqliteValue,
} from './sqlite-driver.js';
export { decodeBlob, encodeChunk } from './chunk-codec.js';
export {
  decodeColumns,
  decodeTimes,
  type EncodeBuffer,
  encodeColumns,
  encodeTimes,
} from './column-codec.js';
export type { ChunkCodec } from './chunk-codec.js';
