import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { parseComputeApps } from '@arcbox/perf-linux';
import { afterAll, describe, expect, it } from 'vitest';
import {
  memoryOfAnswer,
  RECORDED_GPU_LIMITS,
  readRecordedAnswers,
  readRecordedStream,
  writeRecordedGpus,
} from './recorded-gpus.js';
import { openRecordingFiles } from './recording-files.js';

const base = mkdtempSync(join(tmpdir(), 'arcbox-recorded-gpus-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const line =
  '0, GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94, NVIDIA A10G, 0, 0, 22, 23028, 25.58, 300.00, 17, 210, 405, 0, P8, 0x0000000000000001, 0, 0, 0, 0';

/** A reading folder with `gpus/<name>` holding `text` for each entry. */
function reading(name: string, files: Record<string, string>) {
  const dir = join(base, name);
  mkdirSync(join(dir, 'gpus'), { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, 'gpus', f), text);
  return openRecordingFiles(dir);
}

function failure(run: () => unknown): PerfError {
  try {
    run();
  } catch (error) {
    if (PerfError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('recorded GPU answers', () => {
  it('reads back what was written: lines, compute apps with their containers, -q -x', async () => {
    const dir = join(base, 'round');
    await writeRecordedGpus(dir, {
      lines: [line],
      answers: {
        apps: {
          text: '42, GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94, 512\n',
          containers: { 42: 'abc' },
        },
        detail: '<nvidia_smi_log/>',
      },
    });
    const tree = openRecordingFiles(dir);
    expect(readRecordedStream(tree)).toEqual([line]);
    const answers = readRecordedAnswers(tree);
    expect(answers.detail).toBe('<nvidia_smi_log/>');
    expect([...(memoryOfAnswer(parseComputeApps, answers.apps) ?? [])]).toEqual([
      ['abc', 512 * 2 ** 20],
    ]);
    expect(memoryOfAnswer(parseComputeApps, null)).toBeNull();
  });

  it('refuses more GPUs in a tick than the live collector keeps, and an overlong stream file', () => {
    const many = `${Array.from({ length: RECORDED_GPU_LIMITS.maxStreamLines + 1 }, () => line).join('\n')}\n`;
    const e = failure(() => readRecordedStream(reading('many', { 'query-gpu.csv': many })));
    expect(e.code).toBe('PARSE_ERROR');
    expect(e.message).toMatch(/^more than 64 GPUs in one tick/);
    expect(e.file).toMatch(/many\/gpus\/query-gpu\.csv$/);
    const long = failure(() =>
      readRecordedStream(reading('long', { 'query-gpu.csv': 'x'.repeat(64 * 2049 + 1) })),
    );
    expect(long.code).toBe('PARSE_ERROR');
    expect(long.message).toMatch(/longer than/);
  });

  it('refuses a compute-apps answer past the live buffer, and containers that are not pid -> id', () => {
    const big = failure(() =>
      readRecordedAnswers(
        reading('big', { 'compute-apps.csv': ' '.repeat(RECORDED_GPU_LIMITS.maxAnswerChars + 1) }),
      ),
    );
    expect(big.code).toBe('PARSE_ERROR');
    for (const [name, text] of [
      ['notjson', '{'],
      ['list', '[1]'],
      ['badpid', '{"../1": "abc"}'],
      ['badid', '{"42": 7}'],
      ['control', '{"42": "a\\u0000b"}'],
      ['longid', `{"42": "${'a'.repeat(257)}"}`],
      [
        'toomany',
        JSON.stringify(Object.fromEntries(Array.from({ length: 4097 }, (_, i) => [i + 1, null]))),
      ],
    ] as const) {
      const e = failure(() =>
        readRecordedAnswers(
          reading(name, { 'compute-apps.csv': '', 'compute-apps.containers.json': text }),
        ),
      );
      expect([name, e.code]).toEqual([name, 'PARSE_ERROR']);
    }
  });

  it('skips odd lines (the live parser’s rule) rather than failing the round', () => {
    const tree = reading('odd', {
      'query-gpu.csv': `${line}\nnot a gpu line\n`,
      'compute-apps.csv': 'x, y\n42, GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94, [N/A]\n',
      'compute-apps.containers.json': '{"42": "abc"}',
    });
    expect(readRecordedStream(tree)).toHaveLength(2);
    // A process whose memory the driver does not give adds nothing; its container is known.
    expect([...(memoryOfAnswer(parseComputeApps, readRecordedAnswers(tree).apps) ?? [])]).toEqual(
      [],
    );
  });
});
