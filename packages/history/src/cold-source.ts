import type { SeriesMeta } from './series.js';

/** Rows of one chunk read back from disk, in the field order they were written with. */
export interface ColdRows {
  fields: readonly string[];
  times: Float64Array;
  /** Row-major: n values per raw row; min x n, max x n, avg x n, count x n per bucket. */
  values: Float32Array;
}

/** A series the disk store holds, whether or not it is in memory now. */
export interface ColdSeries extends SeriesMeta {
  firstTime: number;
  lastTime: number;
}

/**
 * Where a store reads what its memory no longer holds (the SQLite history): rows older than the
 * hot window, and whole series that ended and left memory. Reads are synchronous: SQLite answers
 * from its page cache and the file, never from a socket.
 */
export interface ColdSource {
  /**
   * Chunks of `series` at `level` (-1 raw) overlapping [from, to], oldest first. With `fields`,
   * only those need to be read back (the others may be NaN).
   */
  rows(
    series: string,
    level: number,
    from: number,
    to: number,
    fields?: readonly string[],
  ): ColdRows[];
  /** Every series kept on disk. */
  series(): ColdSeries[];
  has(series: string): boolean;
}
