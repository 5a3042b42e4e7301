import type { ReadingStamp } from '@arcbox/perf-core';
import { readingFolder } from './recording-layout.js';

/**
 * The reading being recorded or replayed. Every recorded collector reads or writes the folder
 * of the current reading and stamps what it reads with that reading's stamp, so all kinds of one
 * reading share one instant and a replay sees exactly the intervals the recording had.
 */
export interface ReadingCursor {
  /** 1-based; 0 before the first reading. */
  readonly index: number;
  /** Absolute folder of the current reading. */
  readonly folder: string;
  readonly stamp: ReadingStamp;
  /** The collectors' clock: the current reading's stamp. */
  readonly clock: () => ReadingStamp;
  /** Resolves once the cursor has left the reading that is current now. */
  left(): Promise<void>;
  moveTo(index: number, stamp: ReadingStamp): void;
}

export function createReadingCursor(dir: string): ReadingCursor {
  let index = 0;
  let folder = '';
  let stamp: ReadingStamp = { monotonicMs: 0, time: 0 };
  let leave: () => void = () => {};
  let leaving = new Promise<void>((resolve) => {
    leave = resolve;
  });
  return {
    get index() {
      return index;
    },
    get folder() {
      if (index === 0) throw new Error('no reading selected yet');
      return folder;
    },
    get stamp() {
      return stamp;
    },
    clock: () => stamp,
    left: () => leaving,
    moveTo(next, nextStamp) {
      folder = readingFolder(dir, next);
      index = next;
      stamp = nextStamp;
      const done = leave;
      leaving = new Promise<void>((resolve) => {
        leave = resolve;
      });
      done();
    },
  };
}
