import { PerfError } from '@arcbox/perf-core';

export type SqliteValue = null | number | bigint | string | Uint8Array;
export type SqliteRow = Record<string, SqliteValue>;

/** The part of `node:sqlite`'s `StatementSync` the store uses. */
export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number | bigint };
  get(...params: SqliteValue[]): SqliteRow | undefined;
  all(...params: SqliteValue[]): SqliteRow[];
  iterate(...params: SqliteValue[]): IterableIterator<SqliteRow>;
}

/** The part of `node:sqlite`'s `DatabaseSync` the store uses. */
export interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
}

/** Opens SQLite files. Both drivers below implement `node:sqlite`'s API, so one store serves both. */
export interface SqliteDriver {
  /** `node:sqlite` or `@photostructure/sqlite`. */
  readonly name: string;
  /**
   * The module this driver's `DatabaseSync` comes from, for a worker thread to open the same file
   * with the same SQLite library (a checkpoint off the event loop). Set by `loadSqliteDriver()`;
   * a driver without it checkpoints on the main thread, in the commit.
   */
  readonly module?: string;
  open(path: string, options: { readOnly: boolean }): SqliteDatabase;
}

export type SqliteDriverName = 'node:sqlite' | '@photostructure/sqlite';

interface DatabaseSyncModule {
  DatabaseSync: new (
    path: string,
    options: { readOnly: boolean; enableForeignKeyConstraints?: boolean },
  ) => SqliteDatabase;
}

/** Node's own SQLite is unflagged from 22.13 but warns "experimental" on every start before 24. */
export function nodeSqliteState(version = process.versions.node): 'quiet' | 'warns' | 'absent' {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major >= 24) return 'quiet';
  if (major > 22 || (major === 22 && minor >= 13)) return 'warns';
  return 'absent';
}

async function importDriver(name: SqliteDriverName): Promise<SqliteDriver | null> {
  let module: DatabaseSyncModule;
  try {
    // A variable specifier: TypeScript's Node 20 types know neither module, and bundlers leave it.
    const specifier: string = name;
    module = (await import(specifier)) as DatabaseSyncModule;
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_UNKNOWN_BUILTIN_MODULE') return null;
    throw new PerfError('STORE_ERROR', `cannot load the SQLite driver ${name}`, { cause });
  }
  const { DatabaseSync } = module;
  return {
    name,
    module: name,
    open: (path, { readOnly }) =>
      new DatabaseSync(path, { readOnly, enableForeignKeyConstraints: true }),
  };
}

/**
 * The SQLite driver for this process: Node's built-in `node:sqlite` on Node 24 and later, else
 * `@photostructure/sqlite` (the same API, prebuilt binaries inside its npm package: nothing is
 * compiled on install), else `node:sqlite` on Node 22.13+ with its experimental warning.
 */
export async function loadSqliteDriver(prefer?: SqliteDriverName): Promise<SqliteDriver> {
  const nodeSqlite = nodeSqliteState();
  const order: SqliteDriverName[] =
    prefer !== undefined
      ? [prefer]
      : nodeSqlite === 'quiet'
        ? ['node:sqlite']
        : nodeSqlite === 'warns'
          ? ['@photostructure/sqlite', 'node:sqlite']
          : ['@photostructure/sqlite'];
  for (const name of order) {
    if (name === 'node:sqlite' && nodeSqlite === 'absent') continue;
    const driver = await importDriver(name);
    if (driver) return driver;
  }
  throw new PerfError(
    'UNSUPPORTED_PLATFORM',
    prefer !== undefined
      ? `the SQLite driver ${prefer} is not available in Node.js ${process.versions.node}`
      : `history on disk needs Node.js 24 (node:sqlite) or the @photostructure/sqlite package on Node.js ${process.versions.node}: npm install @photostructure/sqlite`,
  );
}
