// The lifecycle readers on podman's own recorded replies (__fixtures__/podman-lifecycle, see
// PROVENANCE.md): what a live watch and inspect read, without an engine.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DockerContainerInspect } from './docker-types.js';
import { createEngineLifecycle } from './engine-lifecycle.js';
import { lifecycleFromInspect } from './lifecycle-from-inspect.js';
import { parseEngineEvent } from './watch-engine-events.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../__fixtures__/podman-lifecycle/${name}`, import.meta.url), 'utf8');
const inspect = (name: string) => JSON.parse(fixture(name)) as DockerContainerInspect;

describe('podman 4.3.1 lifecycle replies (recorded)', () => {
  it('inspect: exit code 3, and restart count 2 while running again', () => {
    expect(lifecycleFromInspect(inspect('inspect_exit3.json'))).toEqual({
      state: 'exited',
      exitCode: 3,
      oomKilled: false,
      restartCount: 0,
    });
    expect(lifecycleFromInspect(inspect('inspect_twice.json'))).toEqual({
      state: 'running',
      exitCode: null,
      oomKilled: false,
      restartCount: 2,
    });
  });

  it('/events: the die (code 3), then die, restart, die, restart of the flapping one, in order; other actions skipped', () => {
    const events = fixture('events.jsonl')
      .split('\n')
      .map(parseEngineEvent)
      .filter((e) => e !== null);
    expect(
      events.map((e) => `${e.name}:${e.type}${e.exitCode === null ? '' : `:${e.exitCode}`}`),
    ).toEqual([
      'exit3:start',
      'exit3:die:3',
      'twice:start',
      'twice:die:1',
      'twice:restart',
      'twice:start',
      'twice:die:1',
      'twice:restart',
      'twice:start',
    ]);
    const times = events.map((e) => e.time);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('an engine lifecycle fed these replies reads the same, by container id', async () => {
    const twice = inspect('inspect_twice.json');
    const lc = createEngineLifecycle({
      client: { inspect: async (id) => (id === twice.Id ? twice : null) },
    });
    const [r] = await lc.annotate([{ id: String(twice.Id) }], {
      signal: new AbortController().signal,
    });
    expect(r).toMatchObject({ state: 'running', restartCount: 2 });
  });
});
