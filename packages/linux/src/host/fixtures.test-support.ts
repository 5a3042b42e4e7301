import { readFileSync } from 'node:fs';

/** A real capture copied from /work/shared/fixtures/linux (see __fixtures__/host/PROVENANCE.md). */
export function fixture(path: string): string {
  return readFileSync(new URL(`../../__fixtures__/host/${path}`, import.meta.url), 'utf8');
}

/** Runs `fn` and returns the PerfError it throws (or fails when it throws none). */
export function thrown(fn: () => unknown): {
  code: string;
  file?: string;
  line?: number;
  message: string;
} {
  try {
    fn();
  } catch (error) {
    return error as { code: string; file?: string; line?: number; message: string };
  }
  throw new Error('expected an error');
}
