import { describe, expect, it } from 'vitest';
import { createBroadcast } from './broadcast.js';

describe('createBroadcast', () => {
  it('delivers every value to each reader subscribed before it was published', async () => {
    const b = createBroadcast<number>();
    const one = b.subscribe()[Symbol.asyncIterator]();
    const two = b.subscribe()[Symbol.asyncIterator]();
    b.publish(1);
    b.publish(2);
    expect(await one.next()).toEqual({ done: false, value: 1 });
    expect(await one.next()).toEqual({ done: false, value: 2 });
    expect(await two.next()).toEqual({ done: false, value: 1 });
    b.close();
    expect(await two.next()).toEqual({ done: false, value: 2 });
    expect((await two.next()).done).toBe(true);
  });

  it('drops the oldest values of a slow reader beyond its buffer', async () => {
    const b = createBroadcast<number>();
    const it = b.subscribe({ bufferSize: 2 })[Symbol.asyncIterator]();
    for (let i = 0; i < 5; i++) b.publish(i);
    expect((await it.next()).value).toBe(3);
    expect((await it.next()).value).toBe(4);
  });

  it('ends a waiting reader when its signal aborts and forgets it', async () => {
    const b = createBroadcast<number>();
    const controller = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const v of b.subscribe({ signal: controller.signal })) seen.push(v);
    })();
    b.publish(7);
    await new Promise((r) => setImmediate(r));
    controller.abort();
    await reading;
    expect(seen).toEqual([7]);
    expect(b.size).toBe(0);
  });

  it('forgets a reader that breaks out of for await', async () => {
    const b = createBroadcast<number>();
    b.publish(0);
    const sub = b.subscribe();
    b.publish(1);
    for await (const v of sub) {
      expect(v).toBe(1);
      break;
    }
    expect(b.size).toBe(0);
  });
});
