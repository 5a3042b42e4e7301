import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureReturn, startFakeQmpServer } from '../test-support/fake-qmp-server.js';
import { connectQmp } from './qmp-client.js';
import { QmpCommandError } from './qmp-command-error.js';
import { qmpRecordName } from './qmp-record-name.js';
import { createRecordingQmpSession } from './record-qmp-session.js';
import { createReplayQmpSession } from './replay-qmp-session.js';

const dir = mkdtempSync(join(tmpdir(), 'arcbox-qmp-rec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('QMP record and replay', () => {
  it('names files by command and argument values', () => {
    expect(qmpRecordName('query-blockstats')).toBe('query-blockstats.json');
    expect(
      qmpRecordName('qom-get', { property: 'guest-stats', path: '/machine/peripheral/balloon0' }),
    ).toBe('qom-get--_machine_peripheral_balloon0--guest-stats.json');
  });

  it('writes replies and error objects as QMP lines, and the replay gives them back', async () => {
    const cpus = fixtureReturn('user-netdev/query-cpus-fast.json');
    const server = await startFakeQmpServer(join(dir, 'vm.qmp'), (command) =>
      command === 'query-cpus-fast'
        ? { kind: 'reply', value: cpus }
        : { kind: 'error', errorClass: 'DeviceNotFound', desc: "Device 'balloon0' not found" },
    );
    const recordDir = join(dir, 'qmp', 'vm1');
    const recording = createRecordingQmpSession(await connectQmp(server.path), recordDir);
    try {
      expect(await recording.execute('query-cpus-fast')).toEqual(cpus);
      await expect(
        recording.execute('qom-get', {
          path: '/machine/peripheral/balloon0',
          property: 'guest-stats',
        }),
      ).rejects.toBeInstanceOf(QmpCommandError);
    } finally {
      recording.close();
      await server.close();
    }
    expect(JSON.parse(readFileSync(join(recordDir, 'query-cpus-fast.json'), 'utf8'))).toEqual({
      return: cpus,
    });

    const replay = createReplayQmpSession(recordDir);
    expect(await replay.execute('query-cpus-fast')).toEqual(cpus);
    const error = await replay
      .execute('qom-get', { path: '/machine/peripheral/balloon0', property: 'guest-stats' })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(QmpCommandError);
    expect((error as QmpCommandError).errorClass).toBe('DeviceNotFound');
    // Never recorded: fails as QEMU fails an unknown command.
    const missing = await replay.execute('query-status').then(
      () => null,
      (e: unknown) => e,
    );
    expect((missing as QmpCommandError).errorClass).toBe('CommandNotFound');
    replay.close();
    await expect(replay.execute('query-cpus-fast')).rejects.toMatchObject({
      code: 'CONNECTION_ERROR',
    });
    expect(existsSync(join(recordDir, 'query-status.json'))).toBe(false);
  });

  it('replays a real QEMU reply file as captured', async () => {
    const replay = createReplayQmpSession(
      new URL('../__fixtures__/qemu/user-netdev', import.meta.url).pathname,
    );
    // query-balloon.json in the capture is the raw QMP line, the same layout the recorder writes.
    expect(await replay.execute('query-balloon')).toEqual({ actual: 268435456 });
    expect(await replay.execute('query-memory-size-summary')).toEqual({
      'base-memory': 268435456,
      'plugged-memory': 0,
    });
  });

  it('reads replies through the reader it is given: its refusals pass through, null is unrecorded', async () => {
    const asked: string[] = [];
    const refusal = new PerfError('READ_ERROR', 'recording file refused: it is a symbolic link', {
      file: '/rec/qmp/vm1/query-blockstats.json',
    });
    const replay = createReplayQmpSession('/rec/qmp/vm1', {
      read: async (file) => {
        asked.push(file);
        if (file.endsWith('query-blockstats.json')) throw refusal;
        if (file.endsWith('query-name.json')) return '["not", "an", "object"]';
        return file.endsWith('query-cpus-fast.json') ? '{"return": []}' : null;
      },
    });
    expect(await replay.execute('query-cpus-fast')).toEqual([]);
    await expect(replay.execute('query-blockstats')).rejects.toBe(refusal);
    await expect(replay.execute('query-name')).rejects.toMatchObject({
      code: 'PARSE_ERROR',
      file: '/rec/qmp/vm1/query-name.json',
    });
    const missing = await replay.execute('query-status').catch((e: unknown) => e);
    expect((missing as QmpCommandError).errorClass).toBe('CommandNotFound');
    expect(asked).toEqual([
      '/rec/qmp/vm1/query-cpus-fast.json',
      '/rec/qmp/vm1/query-blockstats.json',
      '/rec/qmp/vm1/query-name.json',
      '/rec/qmp/vm1/query-status.json',
    ]);
  });
});
