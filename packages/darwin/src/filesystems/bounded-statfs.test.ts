import { describe, expect, it } from 'vitest';
import { createBoundedStatfs, type StatfsResult } from './bounded-statfs.js';

const figures: StatfsResult = {
  bsize: 4096,
  blocks: 1000,
  bfree: 400,
  bavail: 300,
  files: 50,
  ffree: 20,
};

/** A statfs whose calls on `/Volumes/nfs` stay pending until released; logs every call. */
function hangingStatfs() {
  const calls: string[] = [];
  const waiting: Array<() => void> = [];
  return {
    calls,
    statfs: (path: string) => {
      calls.push(path);
      if (path !== '/Volumes/nfs') return Promise.resolve(figures);
      return new Promise<StatfsResult>((resolve) => waiting.push(() => resolve(figures)));
    },
    releaseAll: () => {
      for (const release of waiting.splice(0)) release();
    },
  };
}

describe('createBoundedStatfs', () => {
  it('returns what statfs returned', async () => {
    const bounded = createBoundedStatfs(async () => figures, 1000);
    expect(await bounded.read('/')).toEqual({ ok: true, value: figures });
    expect(bounded.pending()).toEqual([]);
  });

  it('turns a failing statfs, synchronous or not, into a problem', async () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, statfs '/gone'"), {
      code: 'ENOENT',
    });
    const rejecting = createBoundedStatfs(() => Promise.reject(enoent), 1000);
    expect(await rejecting.read('/gone')).toEqual({
      ok: false,
      problem: {
        source: 'statfs',
        code: 'READ_ERROR',
        message: "statfs /gone failed: ENOENT: no such file or directory, statfs '/gone'",
      },
    });
    const throwing = createBoundedStatfs(() => {
      throw new Error('boom');
    }, 1000);
    const outcome = await throwing.read('/x');
    expect(outcome.ok === false && outcome.problem.message).toBe('statfs /x failed: boom');
    expect(throwing.pending()).toEqual([]);
  });

  it('times a hung call out, does not ask that path again until it returns, then asks again', async () => {
    const fake = hangingStatfs();
    const bounded = createBoundedStatfs(fake.statfs, 50);

    const first = await bounded.read('/Volumes/nfs');
    expect(first).toEqual({
      ok: false,
      problem: {
        source: 'statfs',
        code: 'TIMEOUT',
        message: 'statfs /Volumes/nfs timed out after 50 ms',
      },
    });
    expect(bounded.pending()).toEqual(['/Volumes/nfs']);

    const second = await bounded.read('/Volumes/nfs');
    expect(second.ok === false && second.problem.code).toBe('TIMEOUT');
    expect(second.ok === false && second.problem.message).toMatch(
      /^statfs \/Volumes\/nfs has not returned for \d+ ms; not asked again until it does$/,
    );
    expect(fake.calls).toEqual(['/Volumes/nfs']);

    // Another path is still asked while that one is stuck.
    expect(await bounded.read('/')).toEqual({ ok: true, value: figures });

    fake.releaseAll();
    await new Promise((r) => setTimeout(r, 0));
    expect(bounded.pending()).toEqual([]);
    const third = bounded.read('/Volumes/nfs');
    await new Promise((r) => setTimeout(r, 0));
    fake.releaseAll();
    expect(await third).toEqual({ ok: true, value: figures });
    expect(fake.calls).toEqual(['/Volumes/nfs', '/', '/Volumes/nfs']);
  });
});
