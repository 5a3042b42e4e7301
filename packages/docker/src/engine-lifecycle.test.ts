import { describe, expect, it } from 'vitest';
import type { DockerContainerInspect } from './docker-types.js';
import { createEngineLifecycle } from './engine-lifecycle.js';

const signal = new AbortController().signal;

/** A constructed engine: each container's inspect as a test sets it, every call counted. */
function engine() {
  const replies = new Map<string, DockerContainerInspect | Error>();
  const calls: string[] = [];
  return {
    replies,
    calls,
    client: {
      async inspect(id: string) {
        calls.push(id);
        const r = replies.get(id);
        if (r instanceof Error) throw r;
        return r ?? null;
      },
    },
  };
}
const running = (restarts: number): DockerContainerInspect => ({
  State: { Status: 'running', ExitCode: 0, OOMKilled: false },
  RestartCount: restarts,
});

describe('createEngineLifecycle', () => {
  it('reads at first sight, again the round after an event names the container, else only when the refresh is due', async () => {
    const e = engine();
    let t = 0;
    const lc = createEngineLifecycle({ client: e.client, refreshMs: 10_000, now: () => t });
    e.replies.set('a', running(0));
    e.replies.set('b', running(5));
    const first = await lc.annotate([{ id: 'a' }, { id: 'b' }], { signal });
    expect(first).toEqual([
      { id: 'a', state: 'running', exitCode: null, oomKilled: false, restartCount: 0 },
      { id: 'b', state: 'running', exitCode: null, oomKilled: false, restartCount: 5 },
    ]);
    e.replies.set('a', running(1));
    t = 1000;
    expect((await lc.annotate([{ id: 'a' }, { id: 'b' }], { signal }))[0]?.restartCount).toBe(0);
    lc.invalidate('a');
    t = 2000;
    expect((await lc.annotate([{ id: 'a' }, { id: 'b' }], { signal }))[0]?.restartCount).toBe(1);
    expect(e.calls).toEqual(['a', 'b', 'a']);
    // Without an event, the refresh catches up.
    e.replies.set('b', running(6));
    t = 12_000;
    expect((await lc.annotate([{ id: 'a' }, { id: 'b' }], { signal }))[1]?.restartCount).toBe(6);
  });

  it('a failed inspect keeps the last figures and asks again next round; an unknown container reads nulls', async () => {
    const e = engine();
    const lc = createEngineLifecycle({ client: e.client, now: () => 0 });
    e.replies.set('a', running(2));
    await lc.annotate([{ id: 'a' }, { id: 'other-runtime' }], { signal });
    e.replies.set('a', new Error('engine hung'));
    lc.invalidate('a');
    const kept = await lc.annotate([{ id: 'a' }, { id: 'other-runtime' }], { signal });
    expect(kept.map((r) => [r.id, r.state, r.restartCount])).toEqual([
      ['a', 'running', 2],
      ['other-runtime', null, null],
    ]);
    e.replies.set('a', running(3));
    const again = await lc.annotate([{ id: 'a' }], { signal });
    expect(again[0]?.restartCount).toBe(3);
    expect(e.calls).toEqual(['a', 'other-runtime', 'a', 'a']);
  });

  it('refreshes at most maxRefreshPerRound due containers a round, oldest first; forgets gone ones', async () => {
    const e = engine();
    let t = 0;
    const lc = createEngineLifecycle({
      client: e.client,
      refreshMs: 1000,
      maxRefreshPerRound: 2,
      now: () => t,
    });
    const ids = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
    await lc.annotate(ids, { signal });
    expect(e.calls).toHaveLength(5);
    t = 5000;
    e.calls.length = 0;
    await lc.annotate(ids, { signal });
    expect(e.calls).toEqual(['a', 'b']);
    await lc.annotate(ids, { signal });
    expect(e.calls).toEqual(['a', 'b', 'c', 'd']);
    // An event for a container never seen marks nothing (no growth from a hostile stream).
    for (let i = 0; i < 1000; i++) lc.invalidate(`ghost-${i}`);
    await lc.annotate([{ id: 'a' }], { signal });
    expect(lc.size).toBe(1);
    // One asked for alone (partial) forgets nobody.
    await lc.annotate([{ id: 'z' }], { signal, partial: true });
    expect(lc.size).toBe(2);
  });
});
