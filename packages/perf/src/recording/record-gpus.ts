import { join } from 'node:path';
import type { Collector, GpuReading, PerfError } from '@arcbox/perf-core';
import type { NvidiaGpuCollectorOptions, NvidiaRawRound } from '@arcbox/perf-linux';
import type { ReadingCursor } from './reading-cursor.js';
import { recordReply } from './recorded-reply.js';
import { GPU_ERROR_FILE, GPU_FOLDER, memoryOfAnswer, writeRecordedGpus } from './recorded-gpus.js';

type Linux = typeof import('@arcbox/perf-linux');

/** The live NVIDIA source of a recording, with what each reading keeps of it. */
export interface GpuRecorder {
  collector: Collector<GpuReading[]>;
  /** GPU memory per container for this reading (from the answers this reading records). */
  memoryByContainer(): Map<string, number> | null;
  /** Writes `gpus/` of the reading just collected. */
  write(readingDir: string): Promise<void>;
}

/**
 * The live streaming collector, its rounds rebuilt from what it kept raw (`keepRaw`) by the
 * replay's own function, so the sample a recording shows is the one its replay gives. Each
 * reading uses the compute-apps and `-q -x` answers in use when it first asked for them, for the
 * GPUs and the containers' GPU memory alike, and records exactly those.
 */
export function createGpuRecorder(
  linux: Linux,
  options: NvidiaGpuCollectorOptions,
  cursor: ReadingCursor,
): GpuRecorder {
  const live = linux.createNvidiaGpuCollector({ ...options, keepRaw: true });
  let answers: { index: number; value: Pick<NvidiaRawRound, 'apps' | 'detail'> } | null = null;
  let outcome: { index: number; lines: string[] | null; error: unknown } | null = null;
  const answersNow = () => {
    if (answers?.index !== cursor.index)
      answers = { index: cursor.index, value: live.latestAnswers() };
    return answers.value;
  };
  return {
    collector: {
      name: 'gpus',
      async collect({ signal }) {
        const used = answersNow();
        const index = cursor.index;
        try {
          await live.collect({ signal });
        } catch (error) {
          outcome = { index, lines: null, error };
          throw error;
        }
        const lines = live.lastRaw()?.lines ?? [];
        outcome = { index, lines, error: null };
        return linux.nvidiaReadingsFromRaw({ lines, ...used }, cursor.stamp);
      },
      close: () => live.close?.(),
    },
    memoryByContainer: () => memoryOfAnswer(linux.parseComputeApps, answersNow().apps),
    async write(readingDir) {
      const index = cursor.index;
      const done = outcome?.index === index ? outcome : null;
      const used = answers?.index === index ? answers.value : undefined;
      if (!done && !used) return;
      await writeRecordedGpus(readingDir, {
        ...(done?.lines ? { lines: done.lines } : {}),
        ...(used ? { answers: used } : {}),
      });
      // A failed round (the child died, or printed nothing in time) fails the same way replayed.
      if (done && done.lines === null)
        await recordReply(join(readingDir, GPU_FOLDER, GPU_ERROR_FILE), () =>
          Promise.reject(done.error as PerfError),
        ).catch(() => {});
    },
  };
}
