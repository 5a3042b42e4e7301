import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileReader } from './file-reader.js';
import { createRecordingReader } from './recording-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-recording-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A live reader whose files change on every read, as /proc/meminfo does. */
function changingReader(): FileReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    root: '/',
    reads,
    read(path) {
      reads.push(path);
      return path === 'proc/gone' ? null : `${path} #${reads.length}\n`;
    },
    exists: () => true,
    list: () => [],
    forget() {},
    close() {},
  };
}

describe('createRecordingReader', () => {
  it('reads each path once per reading: a second reader of it gets what was recorded', () => {
    const live = changingReader();
    const folder = join(dir, 'once');
    const reader = createRecordingReader(live, folder);
    expect(reader.read('proc/meminfo')).toBe('proc/meminfo #1\n');
    expect(reader.read('proc/meminfo')).toBe('proc/meminfo #1\n');
    expect(reader.read('proc/gone')).toBeNull();
    expect(reader.read('proc/gone')).toBeNull();
    expect(live.reads).toEqual(['proc/meminfo', 'proc/gone']);
    expect(readFileSync(join(folder, 'proc/meminfo'), 'utf8')).toBe('proc/meminfo #1\n');
    // The next reading's folder reads afresh.
    expect(createRecordingReader(live, join(dir, 'next')).read('proc/meminfo')).toBe(
      'proc/meminfo #3\n',
    );
  });

  it('refuses a path that would be written outside the recording', () => {
    const live = changingReader();
    const reader = createRecordingReader(live, join(dir, 'inside'));
    let error: unknown;
    try {
      reader.read('sys/fs/cgroup/../../../../escaped');
    } catch (e) {
      error = e;
    }
    expect(PerfError.isInstance(error) && [error.code, error.file]).toEqual([
      'INVALID_ARGUMENT',
      'sys/fs/cgroup/../../../../escaped',
    ]);
    expect(live.reads).toEqual([]);
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
    expect(reader.read('sys/fs/cgroup/../x')).toBe('sys/fs/cgroup/../x #1\n');
    expect(existsSync(join(dir, 'inside', 'sys/fs/x'))).toBe(true);
  });
});
