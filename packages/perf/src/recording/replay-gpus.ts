import { join } from 'node:path';
import { type Collector, type GpuReading, PerfError } from '@arcbox/perf-core';
import type { ReadingCursor } from './reading-cursor.js';
import { replayReply } from './recorded-reply.js';
import {
  GPU_ERROR_FILE,
  GPU_FOLDER,
  memoryOfAnswer,
  readRecordedAnswers,
  readRecordedApps,
  readRecordedStream,
} from './recorded-gpus.js';
import type { RecordedTree } from './recording-files.js';

type Linux = typeof import('@arcbox/perf-linux');

/**
 * The NVIDIA source of a recording, replayed: each reading's `gpus/` through the live parsers
 * and assembly (`nvidiaReadingsFromRaw`), stamped with the reading's stamp; a round recorded as
 * failed fails with its recorded code. `memoryByContainer` fills the containers' GPU memory from
 * the same reading's compute-apps answer.
 */
export function createGpuReplay(
  linux: Linux,
  tree: () => RecordedTree,
  cursor: ReadingCursor,
): { collector: Collector<GpuReading[]>; memoryByContainer(): Map<string, number> | null } {
  return {
    collector: {
      name: 'gpus',
      async collect() {
        const t = tree();
        replayReply(t, join(GPU_FOLDER, GPU_ERROR_FILE));
        const lines = readRecordedStream(t);
        if (lines === null)
          throw new PerfError('MISSING_FILE', 'the GPU round was not recorded', {
            file: join(t.root, GPU_FOLDER),
          });
        return linux.nvidiaReadingsFromRaw({ lines, ...readRecordedAnswers(t) }, cursor.stamp);
      },
    },
    memoryByContainer: () => memoryOfAnswer(linux.parseComputeApps, readRecordedApps(tree())),
  };
}
