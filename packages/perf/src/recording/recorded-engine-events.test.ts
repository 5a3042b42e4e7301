import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_RECORDED_EVENTS, replayEngineEvents } from './recorded-engine-events.js';
import { openRecordingFiles } from './recording-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
/** A reading folder whose engine/events.json holds `body` (constructed, hostile on purpose). */
function tree(body: string | null, limits = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-events-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'engine'));
  if (body !== null) writeFileSync(join(dir, 'engine', 'events.json'), body);
  return openRecordingFiles(dir, limits).at(dir);
}
const die = { time: 1000, type: 'die', id: 'abc', name: 'web-1', exitCode: 3 };

describe('replayEngineEvents', () => {
  it('gives the recorded events as the live source publishes them; none without the file', () => {
    expect(replayEngineEvents(tree(null))).toEqual([]);
    expect(replayEngineEvents(tree(JSON.stringify({ return: [die] })))).toEqual([
      {
        time: 1000,
        type: 'die',
        kind: 'container',
        id: 'abc',
        name: 'web-1',
        source: 'engine',
        count: 1,
        memoryLimit: null,
        exitCode: 3,
      },
    ]);
  });

  it('skips entries of the wrong shape (unknown type, counter type, huge name, fractional code)', () => {
    const odd = [
      { ...die, type: 'explode' },
      { ...die, type: 'oom-kill' },
      { ...die, name: 'n'.repeat(1000) },
      { ...die, exitCode: 1.5 },
      { ...die, time: 'soon' },
      null,
      die,
    ];
    expect(replayEngineEvents(tree(JSON.stringify({ return: odd })))).toHaveLength(1);
  });

  it(`refuses more than ${MAX_RECORDED_EVENTS} events, a non-array and a file past the size cap`, () => {
    const many = Array.from({ length: MAX_RECORDED_EVENTS + 1 }, () => die);
    expect(() => replayEngineEvents(tree(JSON.stringify({ return: many })))).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_ERROR' }),
    );
    expect(() => replayEngineEvents(tree(JSON.stringify({ return: { die } })))).toThrow(
      expect.objectContaining({ code: 'PROTOCOL_ERROR' }),
    );
    const big = JSON.stringify({ return: [die, die, die] });
    expect(() => replayEngineEvents(tree(big, { maxFileBytes: 64 }))).toThrow(
      expect.objectContaining({ code: 'READ_ERROR' }),
    );
  });
});
