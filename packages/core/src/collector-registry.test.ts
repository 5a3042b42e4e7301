import { describe, expect, it } from 'vitest';
import type { Collector } from './collector.js';
import { createCollectorRegistry } from './collector-registry.js';
import { PerfError } from './perf-error.js';

const quick: Collector<number> = { name: 'quick', collect: async () => 42 };
const failing: Collector<string> = {
  name: 'failing',
  collect: async () => {
    throw new Error('boom');
  },
};
/** Ignores its signal entirely: the registry must still settle on time. */
const hung: Collector<string> = { name: 'hung', collect: () => new Promise(() => {}) };

describe('createCollectorRegistry', () => {
  it('runs collectors concurrently and keeps good data when others fail or hang', async () => {
    const registry = createCollectorRegistry({
      collectors: { quick, failing, hung },
      timeoutMs: 50,
    });
    const run = await registry.run();
    expect(run.quick).toMatchObject({ ok: true, value: 42 });
    expect(run.failing?.ok).toBe(false);
    if (run.failing?.ok === false) {
      expect(run.failing.error.code).toBe('COLLECTOR_FAILED');
      expect(run.failing.error.message).toContain('boom');
    }
    if (run.hung?.ok === false) expect(run.hung.error.code).toBe('TIMEOUT');
    else expect.fail('hung collector should have timed out');
  });

  it('passes an abort signal that fires at the timeout', async () => {
    let seen: AbortSignal | undefined;
    const watcher: Collector<void> = {
      name: 'watcher',
      collect: ({ signal }) => {
        seen = signal;
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason)),
        );
      },
    };
    const run = await createCollectorRegistry({ collectors: { watcher }, timeoutMs: 20 }).run();
    expect(seen?.aborted).toBe(true);
    expect(run.watcher?.ok).toBe(false);
  });

  it('enables and disables collectors by name and rejects unknown names', async () => {
    const registry = createCollectorRegistry({
      collectors: { quick, failing },
      disabled: ['failing'],
    });
    expect(Object.keys(await registry.run())).toEqual(['quick']);
    registry.enable('failing');
    registry.disable('quick');
    expect(Object.keys(await registry.run())).toEqual(['failing']);
    expect(() => registry.enable('nope' as 'quick')).toThrow(/unknown collector "nope"/);
  });

  it('reports each collector duration, success and last success time', async () => {
    let t = 0;
    const registry = createCollectorRegistry({
      collectors: { quick, failing },
      now: () => (t += 5),
      timeouts: { failing: 1_000 },
    });
    expect(registry.status()[0]?.lastOutcome).toBeNull();
    await registry.run();
    const [q, f] = registry.status();
    expect(q).toMatchObject({ name: 'quick', enabled: true, lastOutcome: { ok: true } });
    expect(q?.lastOutcome?.durationMs).toBeGreaterThan(0);
    expect(q?.lastSuccessAt).toBeTypeOf('number');
    expect(f).toMatchObject({
      name: 'failing',
      timeoutMs: 1_000,
      lastOutcome: { ok: false },
      lastSuccessAt: null,
    });
  });

  it('stops every collector when the caller aborts', async () => {
    const controller = new AbortController();
    const registry = createCollectorRegistry({ collectors: { hung }, timeoutMs: 10_000 });
    const pending = registry.run({ signal: controller.signal });
    controller.abort();
    const run = await pending;
    expect(run.hung?.ok === false && run.hung.error.code).toBe('ABORTED');
  });
});

describe('PerfError', () => {
  it('names the file, line and field, and is recognised across copies', () => {
    const error = new PerfError('PARSE_ERROR', 'bad number', {
      file: '/proc/stat',
      line: 3,
      field: 'user',
    });
    expect(error.message).toBe('bad number (/proc/stat:3, field user)');
    expect(PerfError.isInstance(error)).toBe(true);
    expect(PerfError.isInstance({ [Symbol.for('arcbox.perf.error')]: true })).toBe(true);
    expect(PerfError.isInstance(new Error('x'))).toBe(false);
  });
});
