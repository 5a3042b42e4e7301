import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The package's __fixtures__ folder (tests only; not exported). */
export const fixturesDir = join(import.meta.dirname, '..', '__fixtures__');

/** Reads a file under __fixtures__ (tests only). */
export function fixture(path: string): string {
  return readFileSync(join(fixturesDir, path), 'utf8');
}

/** What `run` threw, or undefined (tests only). */
export function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}
