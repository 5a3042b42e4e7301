import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ACK_FILE_BYTES, MAX_ACK_TARGETS, openAckFile, parseAcks } from './ack-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-acks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const NOW = 1_800_000_000_000;

describe('openAckFile', () => {
  it('keeps each receiver’s acknowledged time across a reopen, keyed without the URL', async () => {
    const path = join(dir, 'acks.json');
    const log: string[] = [];
    const a = await openAckFile({ path, log: (l) => log.push(l), now: () => NOW });
    expect(a.get('http://x/api/v1/write')).toBeNull();
    a.set('http://x/api/v1/write?token=sekret', NOW - 5000);
    a.set('http://y/api/v1/write', NOW - 1000);
    a.set('http://y/api/v1/write', NOW - 500);
    await a.flush();
    const text = await readFile(path, 'utf8');
    expect(text).not.toMatch(/sekret|http/);
    // Written to a temporary file and renamed: nothing else is left in the directory.
    expect(await readdir(dir)).toEqual(['acks.json']);
    const b = await openAckFile({ path, log: (l) => log.push(l), now: () => NOW });
    expect(b.get('http://x/api/v1/write?token=sekret')).toBe(NOW - 5000);
    expect(b.get('http://y/api/v1/write')).toBe(NOW - 500);
    expect(log).toEqual([]);
  });

  it('remembers at most MAX_ACK_TARGETS receivers, forgetting the least recently acknowledged', async () => {
    const a = await openAckFile({ path: join(dir, 'acks.json'), log: () => {}, now: () => NOW });
    for (let i = 0; i <= MAX_ACK_TARGETS; i++) a.set(`http://r${i}/`, NOW);
    await a.flush();
    expect(a.get('http://r0/')).toBeNull();
    expect(a.get(`http://r${MAX_ACK_TARGETS}/`)).toBe(NOW);
    const text = await readFile(join(dir, 'acks.json'), 'utf8');
    expect(Object.keys(JSON.parse(text).targets)).toHaveLength(MAX_ACK_TARGETS);
  });

  it('ignores a hostile or damaged file with one log line and starts afresh', async () => {
    const key = 'a'.repeat(32);
    const cases: [string, RegExp][] = [
      ['x'.repeat(MAX_ACK_FILE_BYTES + 1), /65537 bytes, more than 65536/],
      ['{"version":1,"targets":', /not JSON/],
      ['{"version":2,"targets":{}}', /not a version 1/],
      ['{"version":1,"targets":[]}', /targets is not an object/],
      [`{"version":1,"targets":{"${key}":${NOW + 2 * 86_400_000}}}`, /not a plausible/],
      [`{"version":1,"targets":{"${key}":-1}}`, /not a plausible/],
      [`{"version":1,"targets":{"${key}":"1"}}`, /not a plausible/],
      ['{"version":1,"targets":{"../../etc":1}}', /key is odd/],
      [
        JSON.stringify({
          version: 1,
          targets: Object.fromEntries(
            Array.from({ length: MAX_ACK_TARGETS + 1 }, (_, i) => [
              i.toString(16).padStart(32, '0'),
              1,
            ]),
          ),
        }),
        /more than 64 targets/,
      ],
    ];
    for (const [text, reason] of cases) {
      const path = join(dir, 'acks.json');
      await writeFile(path, text);
      const log: string[] = [];
      const a = await openAckFile({ path, log: (l) => log.push(l), now: () => NOW });
      expect(log, text.slice(0, 60)).toEqual([expect.stringMatching(reason)]);
      expect(a.get('http://x/')).toBeNull();
    }
    expect(() => parseAcks('null', NOW)).toThrow(expect.objectContaining({ code: 'PARSE_ERROR' }));
  });
});
