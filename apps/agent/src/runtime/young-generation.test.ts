import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HOLD_YOUNG_GENERATION_FLAG, holdYoungGeneration } from './young-generation.js';

// A child process sets the flag at run time, as the agent does, keeps a rolling set of live
// objects (they survive scavenges, as a sampler's previous readings do) and reports the young
// generation's size at the end.
const probe = `
  const { getHeapSpaceStatistics, setFlagsFromString } = require('node:v8');
  if (process.argv[1]) setFlagsFromString(process.argv[1]);
  const keep = new Array(20000);
  for (let i = 0; i < 3000000; i++) keep[i % keep.length] = { i, s: 'x' + i, a: [i, i] };
  const space = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  process.stdout.write(String(space.space_size));
`;

const newSpaceBytes = (flag: string) =>
  Number(
    execFileSync(process.execPath, ['-e', probe, '--', flag], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    }),
  );

describe('holdYoungGeneration', () => {
  it('keeps the young generation at its starting size where V8 would grow it', () => {
    const grown = newSpaceBytes('');
    const held = newSpaceBytes(HOLD_YOUNG_GENERATION_FLAG);
    expect(grown).toBeGreaterThan(4 * 2 ** 20);
    expect(held).toBeLessThanOrEqual(2 * 2 ** 20);
  });

  it('sets the flag unless Node flags already tune the young generation', () => {
    const set: string[] = [];
    expect(holdYoungGeneration([], '', (f) => set.push(f))).toBe(true);
    expect(holdYoungGeneration(['--max-semi-space-size=8'], '', (f) => set.push(f))).toBe(false);
    expect(holdYoungGeneration([], '--semi-space-growth-factor=2', (f) => set.push(f))).toBe(false);
    expect(set).toEqual([HOLD_YOUNG_GENERATION_FLAG]);
  });
});
