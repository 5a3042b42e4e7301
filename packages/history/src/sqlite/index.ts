export { openSqliteHistory } from './sqlite-history.js';
export type { FlushResult, SqliteHistory, SqliteHistoryOptions } from './sqlite-history.js';
export { APPLICATION_ID, SCHEMA_VERSION } from './schema.js';
