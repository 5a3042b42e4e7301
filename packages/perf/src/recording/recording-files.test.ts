import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { openRecordingFiles } from './recording-files.js';

const base = mkdtempSync(join(tmpdir(), 'arcbox-rec-files-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let n = 0;
/** A recording folder holding `files` (path -> text). */
function recording(files: Record<string, string> = {}): string {
  const dir = join(base, `rec-${++n}`);
  mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** What `run` threw, as `[code, file, message]`. */
function refusal(run: () => unknown): [string, string | undefined, string] {
  try {
    run();
  } catch (error) {
    if (!PerfError.isInstance(error)) throw error;
    return [error.code, error.file, error.message];
  }
  throw new Error('no error');
}

describe('openRecordingFiles: a recording is untrusted input', () => {
  it('reads regular files and lists folders inside the recording; a missing one is null', () => {
    const dir = recording({ 'readings/0001/proc/stat': 'cpu 1 2 3\n' });
    const files = openRecordingFiles(dir);
    expect(files.readText('readings/0001/proc/stat')).toBe('cpu 1 2 3\n');
    expect(files.readText(join(dir, 'readings/0001/proc/stat'))).toBe('cpu 1 2 3\n');
    expect(files.readText('readings/0001/proc/meminfo')).toBeNull();
    expect(files.readText('readings/0001/proc/stat/x')).toBeNull();
    expect(files.list('readings/0001')).toEqual([{ name: 'proc', isDirectory: true }]);
    expect(files.exists('readings/0001/proc')).toBe(true);
    expect(files.refusals).toEqual([]);
  });

  it('refuses a path that leaves the recording, or the reading it is confined to', () => {
    const dir = recording({ 'readings/0001/proc/stat': 'cpu 1\n', 'readings/0002/proc/stat': 'x' });
    const files = openRecordingFiles(dir);
    const [code, file, message] = refusal(() =>
      files.readText('readings/0001/sys/fs/cgroup/../../../../../../etc/passwd'),
    );
    expect([code, file]).toEqual(['READ_ERROR', join(dir, '..', 'etc/passwd')]);
    expect(message).toMatch(/refused: the path leaves the recording/);
    const reading = files.at('readings/0001');
    expect(refusal(() => reading.readText('../0002/proc/stat'))[2]).toMatch(
      /refused: the path leaves .*readings\/0001/,
    );
    expect(files.refusals).toHaveLength(2);
  });

  it('refuses a symbolic link to the live host, and a linked folder on the way, naming it', () => {
    const dir = recording({ 'readings/0001/proc/meminfo': 'MemTotal: 1 kB\n' });
    symlinkSync('/proc/stat', join(dir, 'readings/0001/proc/stat'));
    mkdirSync(join(dir, 'readings/0002'));
    symlinkSync('/proc', join(dir, 'readings/0002/proc'));
    const files = openRecordingFiles(dir);
    expect(refusal(() => files.readText('readings/0001/proc/stat'))).toEqual([
      'READ_ERROR',
      join(dir, 'readings/0001/proc/stat'),
      expect.stringMatching(/refused: it is a symbolic link/),
    ]);
    expect(refusal(() => files.readText('readings/0002/proc/stat'))[1]).toBe(
      join(dir, 'readings/0002/proc'),
    );
    expect(refusal(() => files.list('readings/0002/proc'))[1]).toBe(
      join(dir, 'readings/0002/proc'),
    );
    // exists() answers no for a refused path, and keeps the refusal.
    const before = files.refusals.length;
    expect(files.exists('readings/0002/proc/self')).toBe(false);
    expect(files.refusals).toHaveLength(before + 1);
  });

  it('refuses a FIFO at once (never blocks on it) and a device, /dev/zero included', () => {
    const dir = recording();
    mkdirSync(join(dir, 'proc'));
    execFileSync('mkfifo', [join(dir, 'proc/stat')]);
    symlinkSync('/dev/zero', join(dir, 'proc/loadavg'));
    const files = openRecordingFiles(dir);
    const started = performance.now();
    expect(refusal(() => files.readText('proc/stat'))).toEqual([
      'READ_ERROR',
      join(dir, 'proc/stat'),
      expect.stringMatching(/refused: it is not a regular file \(a FIFO\)/),
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(refusal(() => files.readText('proc/loadavg'))[2]).toMatch(/symbolic link/);
    expect(files.exists('proc/stat')).toBe(false);
  });

  it.runIf(process.getuid?.() === 0)(
    'refuses a character device node made in the recording',
    () => {
      const dir = recording();
      // The same device numbers as /dev/zero (1, 5): read, it would never end.
      execFileSync('mknod', [join(dir, 'zero'), 'c', '1', '5']);
      expect(refusal(() => openRecordingFiles(dir).readText('zero'))[2]).toMatch(
        /not a regular file \(a character device\)/,
      );
    },
  );

  it('refuses a file past the size cap without reading it (a 5 GB sparse file)', () => {
    const dir = recording({ 'proc/stat': '' });
    truncateSync(join(dir, 'proc/stat'), 5 * 2 ** 30);
    const started = performance.now();
    expect(refusal(() => openRecordingFiles(dir).readText('proc/stat'))).toEqual([
      'READ_ERROR',
      join(dir, 'proc/stat'),
      expect.stringMatching(/larger than 16777216 bytes \(5368709120\)/),
    ]);
    expect(performance.now() - started).toBeLessThan(1000);
    const small = recording({ 'a.json': 'x'.repeat(101) });
    expect(
      refusal(() => openRecordingFiles(small, { maxFileBytes: 100 }).readText('a.json'))[2],
    ).toMatch(/larger than 100 bytes/);
    expect(openRecordingFiles(small, { maxFileBytes: 101 }).readText('a.json')).toHaveLength(101);
  });

  it('caps the entries of a folder, and the files and bytes one reading reads', () => {
    const many = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`d/f${String(i).padStart(2, '0')}`, 'xxxx']),
    );
    const dir = recording(many);
    expect(refusal(() => openRecordingFiles(dir, { maxDirEntries: 10 }).list('d'))).toEqual([
      'READ_ERROR',
      join(dir, 'd'),
      expect.stringMatching(/more than 10 entries/),
    ]);
    expect(openRecordingFiles(dir, { maxDirEntries: 12 }).list('d')).toHaveLength(12);

    const files = openRecordingFiles(dir, { maxFilesPerReading: 5 });
    for (let i = 0; i < 5; i++) files.readText(`d/f0${i}`);
    expect(refusal(() => files.readText('d/f05'))[2]).toMatch(
      /more than 5 files read for one reading/,
    );
    files.startReading();
    expect(files.readText('d/f05')).toBe('xxxx');

    const bytes = openRecordingFiles(dir, { maxBytesPerReading: 10 });
    bytes.readText('d/f00');
    bytes.readText('d/f01');
    expect(refusal(() => bytes.readText('d/f02'))[2]).toMatch(/more than 10 bytes read/);
  });

  it('may be reached through a link the user named; a recording that is no folder is refused', () => {
    const dir = recording({ 'recording.json': '{}' });
    symlinkSync(dir, join(base, 'link'));
    expect(openRecordingFiles(join(base, 'link')).readText('recording.json')).toBe('{}');
    expect(() => openRecordingFiles(join(dir, 'recording.json'))).toThrow(
      /a recording is a folder/,
    );
    expect(() => openRecordingFiles(join(base, 'none'))).toThrow(
      expect.objectContaining({ code: 'MISSING_FILE' }),
    );
  });
});
