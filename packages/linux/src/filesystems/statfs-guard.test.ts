import { describe, expect, it } from 'vitest';
import type { StatfsResult } from './statfs-figures.js';
import { createStatfsGuard } from './statfs-guard.js';

const FIGURES: StatfsResult = {
  bsize: 4096n,
  blocks: 10n,
  bfree: 5n,
  bavail: 4n,
  files: 8n,
  ffree: 2n,
};

/** A statfs whose calls on `hung` paths wait until released (a server back); counts calls. */
function fakeStatfs(hungPaths: string[]) {
  const hung = new Set(hungPaths);
  const calls = new Map<string, number>();
  const release = new Map<string, () => void>();
  let active = 0;
  let maxActive = 0;
  const statfs = async (path: string): Promise<StatfsResult> => {
    calls.set(path, (calls.get(path) ?? 0) + 1);
    active += 1;
    maxActive = Math.max(maxActive, active);
    try {
      if (hung.has(path)) {
        await new Promise<void>((r) => release.set(path, r));
        hung.delete(path);
      }
      return FIGURES;
    } finally {
      active -= 1;
    }
  };
  return { statfs, calls, release, maxActive: () => maxActive };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('createStatfsGuard', () => {
  it('a call past its timeout: TIMEOUT in bounded time, others read; not asked again until it returns', async () => {
    const fake = fakeStatfs(['/dead']);
    const guard = createStatfsGuard({ statfs: fake.statfs, timeoutMs: 50, maxInFlight: 2 });
    const started = performance.now();
    const first = await guard.readAll(['/a', '/dead', '/b']);
    expect(performance.now() - started).toBeLessThan(500);
    expect(first.map((o) => o.kind)).toEqual(['read', 'problem', 'read']);
    expect(first[1]).toMatchObject({ code: 'TIMEOUT', message: expect.stringMatching(/50 ms/) });
    expect(guard.stuck()).toEqual(['/dead']);

    for (let round = 0; round < 3; round += 1) {
      const again = await guard.readAll(['/a', '/dead', '/b']);
      expect(again[1]).toMatchObject({
        code: 'TIMEOUT',
        message: expect.stringMatching(/has not returned/),
      });
      expect(again[2]).toEqual({ kind: 'read', result: FIGURES });
    }
    expect(fake.calls.get('/dead')).toBe(1);
    expect(fake.calls.get('/a')).toBe(4);

    fake.release.get('/dead')!();
    await tick();
    expect(guard.stuck()).toEqual([]);
    expect(guard.inFlight()).toBe(0);
    const after = await guard.readAll(['/a', '/dead', '/b']);
    expect(after[1]).toEqual({ kind: 'read', result: FIGURES });
    expect(fake.calls.get('/dead')).toBe(2);
  });

  it('never has more than maxInFlight calls out, stuck ones included; the rest are reported', async () => {
    const fake = fakeStatfs(['/d1', '/d2']);
    const guard = createStatfsGuard({ statfs: fake.statfs, timeoutMs: 30, maxInFlight: 2 });
    const first = await guard.readAll(['/d1', '/d2', '/a']);
    expect(first[2]).toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/not asked: 2 statfs calls/),
    });
    const second = await guard.readAll(['/d1', '/d2', '/a']);
    expect(second.map((o) => o.kind)).toEqual(['problem', 'problem', 'problem']);
    expect(fake.calls.get('/a')).toBeUndefined();
    expect(fake.maxActive()).toBe(2);

    fake.release.get('/d1')!();
    await tick();
    const third = await guard.readAll(['/d1', '/d2', '/a']);
    expect(third.map((o) => o.kind)).toEqual(['read', 'problem', 'read']);
    expect(fake.maxActive()).toBe(2);
  });

  it('ENOENT and ENOTDIR are gone, other failures (a throwing statfs too) are problems', async () => {
    const fail = (code: string) => Object.assign(new Error(`${code}: no`), { code });
    const guard = createStatfsGuard({
      statfs: (path) => {
        if (path === '/sync') throw new Error('thrown synchronously');
        return Promise.reject(fail(path.slice(1)));
      },
      timeoutMs: 100,
      maxInFlight: 1,
    });
    expect(await guard.readAll(['/ENOENT', '/ENOTDIR', '/EACCES', '/ENOTCONN', '/sync'])).toEqual([
      { kind: 'gone' },
      { kind: 'gone' },
      { kind: 'problem', code: 'READ_ERROR', message: 'EACCES: no' },
      { kind: 'problem', code: 'READ_ERROR', message: 'ENOTCONN: no' },
      { kind: 'problem', code: 'READ_ERROR', message: 'thrown synchronously' },
    ]);
    expect(guard.inFlight()).toBe(0);
  });

  it('asks nothing more once the signal aborts', async () => {
    const controller = new AbortController();
    const asked: string[] = [];
    const guard = createStatfsGuard({
      statfs: async (path) => {
        asked.push(path);
        controller.abort();
        return FIGURES;
      },
      timeoutMs: 100,
      maxInFlight: 1,
    });
    await guard.readAll(['/a', '/b', '/c'], controller.signal);
    expect(asked).toEqual(['/a']);
  });
});
