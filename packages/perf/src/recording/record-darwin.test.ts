// A Mac recorded on any machine: the darwin collectors run on recorded macOS outputs (perf-darwin's
// assembled Apple Silicon readings, a real Sonoma `mount` listing) instead of live commands, a
// constructed statfs (the NFS volume's never returns), and a constructed Docker-compatible engine
// on a unix socket. The recording path is the one a Mac takes; only the live inputs differ.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CommandRunner, DarwinOs, StatfsResult } from '@arcbox/perf-darwin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSources } from '../config/resolve-sources.js';
import type { PerfSample } from '../perf-monitor.js';
import { prepareRecordingDir } from './prepare-recording-dir.js';
import { recordInto } from './record-samples.js';
import { type ReplayedSample, replaySamples } from './replay-samples.js';
import { serveJson } from './testing/serve-json.js';

const darwinFixtures = fileURLToPath(new URL('../../../darwin/', import.meta.url));
const readingOf = (n: number) =>
  join(darwinFixtures, '__fixtures__/recordings/apple-silicon-2/readings', `000${n}`);
// Constructed in ioreg's layout with the documented keys (perf-darwin's gpus/__fixtures__).
const accelerators = readFileSync(
  join(darwinFixtures, 'src/gpus/__fixtures__/ioreg_ioaccelerator_agx.txt'),
  'utf8',
);
const mountList = readFileSync(
  join(darwinFixtures, 'src/filesystems/__fixtures__/mount_apple_silicon_sonoma.txt'),
  'utf8',
);

const base = mkdtempSync(join(tmpdir(), 'arcbox-record-darwin-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const ID = 'a'.repeat(64);
const stats = (n: number) => ({
  read: '2024-05-07T12:00:00Z',
  cpu_stats: {
    cpu_usage: { total_usage: 1_000_000_000 * n },
    system_cpu_usage: 10_000_000_000 * n,
    online_cpus: 10,
  },
  precpu_stats: { cpu_usage: { total_usage: 0 } },
  memory_stats: { usage: 64 * 2 ** 20 + n, limit: 2 ** 30, stats: { inactive_file: 2 ** 20 } },
  pids_stats: { current: 3 },
  networks: { eth0: { rx_bytes: 1000 * n, tx_bytes: 500 * n, rx_packets: n, tx_packets: n } },
});

describe('recording a Mac (darwin collectors on recorded outputs) and replaying it', () => {
  const rec = join(base, 'rec');
  const live: PerfSample[] = [];
  const replayed: ReplayedSample[] = [];
  let engine: Awaited<ReturnType<typeof serveJson>>;
  beforeAll(async () => {
    let reading = 1;
    let statsAsked = 0;
    engine = await serveJson(join(base, 'docker.sock'), (path) => {
      if (path === '/version')
        return { status: 200, body: { Version: '24.0.7', Components: [{ Name: 'Engine' }] } };
      if (path === '/info') return { status: 200, body: { NCPU: 10, MemTotal: 2 ** 34 } };
      if (path === '/containers/json')
        return { status: 200, body: [{ Id: ID, Names: ['/web'], State: 'running', Labels: {} }] };
      if (path === `/containers/${ID}/json`)
        return { status: 200, body: { Id: ID, HostConfig: {} } };
      if (path.startsWith(`/containers/${ID}/stats`))
        return { status: 200, body: stats(++statsAsked) };
      return undefined;
    });
    const run: CommandRunner = {
      async run(command, args) {
        if (command === 'ioreg' && args.includes('IOAccelerator'))
          return { stdout: accelerators, stderr: '', exitCode: 0 };
        if (command === 'mount') return { stdout: mountList, stderr: '', exitCode: 0 };
        // Constructed in ps's documented layout (see perf-darwin's processes/__fixtures__):
        // java gains one CPU second per reading.
        if (command === 'ps')
          return {
            stdout: `    1     0     0  12345     3:20.51 Ss   Sat Dec  5 09:00:01 2026     root   /sbin/launchd\n  413     1   501  65536     0:${10 + reading}.00 S+   Sat Dec  5 14:59:59 2026     alice  /usr/bin/java\n`,
            stderr: '',
            exitCode: 0,
          };
        try {
          const stdout = readFileSync(
            join(readingOf(reading), 'commands', `${command}.txt`),
            'utf8',
          );
          return { stdout, stderr: '', exitCode: 0 };
        } catch {
          return { stdout: '', stderr: `${command}: not here`, exitCode: 1 };
        }
      },
    };
    const os: DarwinOs = {
      cpus: () => JSON.parse(readFileSync(join(readingOf(reading), 'os/cpus.json'), 'utf8')),
      loadavg: () => JSON.parse(readFileSync(join(readingOf(reading), 'os/loadavg.json'), 'utf8')),
    };
    const statfs = (path: string): Promise<StatfsResult> =>
      path === '/Volumes/backup'
        ? new Promise<StatfsResult>(() => {})
        : Promise.resolve({
            bsize: 4096,
            blocks: 1_000_000,
            bfree: 400_000 - 1000 * reading,
            bavail: 390_000 - 1000 * reading,
            files: 5_000_000,
            ffree: 4_000_000,
          });
    const dir = await prepareRecordingDir(rec, { force: false });
    const summary = await recordInto(
      dir,
      'darwin',
      {
        count: 2,
        intervalMs: 10,
        sources: resolveSources({
          sources: {
            docker: { socket: join(base, 'docker.sock') },
            vms: { enabled: false },
            filesystems: { timeout: '700ms' },
          },
        }),
        onSample: (sample) => {
          live.push(sample);
          reading += 1;
        },
      },
      { run, os, statfs },
    );
    expect(summary).toMatchObject({
      platform: 'darwin',
      readings: 2,
      kinds: ['system', 'containers', 'processes', 'gpus', 'filesystems'],
    });
    for await (const s of replaySamples(rec, { alerts: false })) replayed.push(s);
  });
  afterAll(() => engine?.close());

  it('replays the figures the recording computed live: host, engine containers, volumes', () => {
    expect(replayed).toHaveLength(1);
    const { pair, ...computed } = replayed[0]!;
    expect(pair.label).toBe('readings 0001 → 0002');
    // The stuck NFS volume's problem says how long it has waited: measured again in a replay.
    const waitless = (s: PerfSample) =>
      JSON.parse(JSON.stringify(s).replace(/has not returned for \d+ ms/g, 'has not returned'));
    expect(waitless(computed as PerfSample)).toEqual(waitless(live[1]!));
    expect(computed.system).toMatchObject({ platform: 'darwin', cpuCount: 10 });
    expect(computed.containers.map((c) => [c.name, c.runtime])).toEqual([['web', 'docker']]);
    expect(computed.containers[0]!.cpuPercent).not.toBeNull();
    const java = (computed.processes as Array<{ comm: string; cpuPercent: number | null }>).find(
      (p) => p.comm === 'java',
    );
    expect(java?.cpuPercent).toBeGreaterThan(0);
    expect(
      (computed.gpus as Array<{ name: string; utilizationPercent: number | null }>).map((g) => [
        g.name,
        g.utilizationPercent,
      ]),
    ).toEqual([['Apple M2 Pro', 34]]);
    const volumes = computed.filesystems as Array<{
      mountPoint: string;
      sizeBytes: number | null;
      problems: Array<{ code?: string; message: string }>;
    }>;
    expect(volumes.find((v) => v.mountPoint === '/')?.sizeBytes).toBe(4096 * 1_000_000);
    const nfs = volumes.find((v) => v.mountPoint === '/Volumes/backup');
    expect(nfs?.sizeBytes).toBeNull();
    // Still the call of reading 1, as live: the recording says reading 2 did not ask again.
    expect(nfs?.problems[0]).toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/has not returned for \d+ ms; not asked again/),
    });
  });

  it('keeps the outputs, engine replies and statfs results in each reading folder', () => {
    const folder = join(rec, 'readings/0001');
    expect(readFileSync(join(folder, 'commands/mount.txt'), 'utf8')).toBe(mountList);
    // The GPU's ioreg apart from the host's (block storage) ioreg, which keeps commands/ioreg.txt.
    expect(readFileSync(join(folder, 'gpus/commands/ioreg.txt'), 'utf8')).toBe(accelerators);
    expect(readFileSync(join(folder, 'commands/ioreg.txt'), 'utf8')).toBe(
      readFileSync(join(readingOf(1), 'commands/ioreg.txt'), 'utf8'),
    );
    expect(readFileSync(join(folder, 'commands/vm_stat.txt'), 'utf8')).toBe(
      readFileSync(join(readingOf(1), 'commands/vm_stat.txt'), 'utf8'),
    );
    expect(JSON.parse(readFileSync(join(folder, 'engine/containers.json'), 'utf8'))).toEqual({
      return: [{ id: ID, name: 'web', image: null, state: 'running', labels: {} }],
    });
    expect(JSON.parse(readFileSync(join(folder, `engine/stats/${ID}.json`), 'utf8'))).toEqual({
      return: stats(1),
    });
    const statfs = JSON.parse(readFileSync(join(folder, 'statfs.json'), 'utf8'));
    expect(statfs['/'].result).toMatchObject({ bsize: '4096', blocks: '1000000' });
    expect(statfs['/Volumes/backup']).toEqual({ pending: true });
    expect(JSON.parse(readFileSync(join(rec, 'sources.json'), 'utf8')).containers).toEqual({
      source: 'engine',
      cgroupPaths: [],
      discover: false,
      engine: join(base, 'docker.sock'),
    });
  });
});
