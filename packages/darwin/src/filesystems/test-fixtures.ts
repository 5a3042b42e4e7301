import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** This folder's __fixtures__ (tests only; not exported). */
export const filesystemFixturesDir = join(import.meta.dirname, '__fixtures__');

/** Reads a file of this folder's __fixtures__ (tests only). */
export function filesystemFixture(name: string): string {
  return readFileSync(join(filesystemFixturesDir, name), 'utf8');
}
