import { describe, expect, it } from 'vitest';
import { createConcurrencyLimit } from './limit-concurrency.js';

describe('createConcurrencyLimit', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    const limit = createConcurrencyLimit(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, (i % 4) + 1));
          active -= 1;
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBe(3);
  });

  it('frees the slot when a task throws', async () => {
    const limit = createConcurrencyLimit(1);
    await expect(limit(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(async () => 7)).toBe(7);
  });
});
