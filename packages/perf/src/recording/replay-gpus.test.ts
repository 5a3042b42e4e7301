import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createReadingCursor } from './reading-cursor.js';
import { openRecordingFiles } from './recording-files.js';
import { createGpuReplay } from './replay-gpus.js';

const base = mkdtempSync(join(tmpdir(), 'arcbox-replay-gpus-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const signal = new AbortController().signal;
const line =
  '1, GPU-d37e67a5-91dd-3774-a5cb-99096249601a, Tesla T4, 0, 0, 1032, 15360, 26.78, 70.00, 40, 585, 5000, [N/A], P0, 0x0000000000000000, 0, 0, 0, 0';

async function replayOf(files: Record<string, string>) {
  const linux = await import('@arcbox/perf-linux');
  const dir = join(base, String(Math.random()).slice(2));
  const cursor = createReadingCursor(dir);
  cursor.moveTo(1, { monotonicMs: 10, time: 20 });
  mkdirSync(join(cursor.folder, 'gpus'), { recursive: true });
  for (const [f, text] of Object.entries(files))
    writeFileSync(join(cursor.folder, 'gpus', f), text);
  const recording = openRecordingFiles(dir);
  return createGpuReplay(linux, () => recording.at(cursor.folder), cursor);
}

async function rejection(p: Promise<unknown>): Promise<PerfError> {
  const e = await p.then(
    () => null,
    (error: unknown) => error,
  );
  if (!PerfError.isInstance(e)) throw new Error(`expected a PerfError, got ${String(e)}`);
  return e;
}

describe('GPU replay', () => {
  it('rebuilds the round from its lines with the reading’s stamp; N/A stays null', async () => {
    const replay = await replayOf({ 'query-gpu.csv': `${line}\n` });
    const [t4] = await replay.collector.collect({ signal });
    expect([t4?.name, t4?.monotonicMs, t4?.time, t4?.fanPercent, t4?.memoryUsedBytes]).toEqual([
      'Tesla T4',
      10,
      20,
      null,
      1032 * 2 ** 20,
    ]);
    // No compute-apps answer recorded yet: containers' GPU memory unknown, not 0.
    expect(replay.memoryByContainer()).toBeNull();
  });

  it('fails a round recorded as failed with its code, and one not recorded as MISSING_FILE', async () => {
    const failed = await replayOf({
      'error.json': '{"error":{"code":"TIMEOUT","message":"nvidia-smi printed nothing in time"}}',
    });
    const e = await rejection(failed.collector.collect({ signal }));
    expect([e.code, e.message]).toEqual(['TIMEOUT', 'nvidia-smi printed nothing in time']);
    const none = await replayOf({});
    expect((await rejection(none.collector.collect({ signal }))).code).toBe('MISSING_FILE');
    const odd = await replayOf({ 'error.json': '{"error":{"code":"EXPLODE","message":1}}' });
    const o = await rejection(odd.collector.collect({ signal }));
    expect([o.code, o.message]).toEqual(['PROTOCOL_ERROR', 'recorded failure']);
  });
});
