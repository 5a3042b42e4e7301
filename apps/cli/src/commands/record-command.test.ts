import { mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeCode, runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';
import {
  canCreateCgroups,
  createTestCgroup,
  type TestCgroup,
} from '../test-support/test-cgroups.js';

const onLinux = process.platform === 'linux';

describe.skipIf(!onLinux)(
  'arcbox-perf record -> replay round trip (built binary; records a Linux host)',
  () => {
    let dir = '';
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-rec-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('record writes the documented layout', async () => {
      const run = await runBuiltCli(['record', dir, '--count', '3', '--interval', '100']);
      expect(run.stderr).toMatch(/recorded 3 readings/);
      expect(run.code).toBe(0);
      expect(JSON.parse(await readFile(join(dir, 'recording.json'), 'utf8'))).toEqual({
        platform: 'linux',
        readings: 3,
      });
      expect((await readdir(join(dir, 'readings'))).sort()).toEqual(['0001', '0002', '0003']);
      const stamp = JSON.parse(
        await readFile(join(dir, 'readings', '0002', 'reading.json'), 'utf8'),
      );
      expect(typeof stamp.monotonicMs).toBe('number');
      expect(Number.isNaN(Date.parse(stamp.time))).toBe(false);
      await expect(
        readFile(join(dir, 'readings', '0001', 'proc', 'stat'), 'utf8'),
      ).resolves.toMatch(/^cpu /);
    });

    it('replay --json prints one valid document per consecutive pair', async () => {
      const run = await runBuiltCli(['replay', dir, '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const docs = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(docs).toHaveLength(2);
      const validate = schemaValidator('snapshot');
      for (const doc of docs) expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      // Replayed rates cover the recorded interval (100 ms apart, give or take scheduling).
      for (const doc of docs) expect(doc.system.intervalMs).toBeGreaterThanOrEqual(90);
      expect(docs[1].system.timestamp).toBeGreaterThan(docs[0].system.timestamp);
    });

    it('replay prints readable reports without escape codes', async () => {
      const run = await runBuiltCli(['replay', dir]);
      expect(run.code).toBe(0);
      expect(run.stdout.match(/^CPU /gm)).toHaveLength(2);
      expect(run.stdout).not.toMatch(escapeCode);
    });

    it('each report says which pair of readings it is, in text and in JSON', async () => {
      const text = await runBuiltCli(['replay', dir]);
      expect(text.stdout.match(/^readings \d{4} → \d{4}$/gm)).toEqual([
        'readings 0001 → 0002',
        'readings 0002 → 0003',
      ]);
      const json = await runBuiltCli(['replay', dir, '--json']);
      const pairs = json.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).pair);
      expect(pairs).toEqual([
        { from: 1, to: 2, label: 'readings 0001 → 0002' },
        { from: 2, to: 3, label: 'readings 0002 → 0003' },
      ]);
    });

    it('records filesystems too, and replays them', async () => {
      const sources = JSON.parse(await readFile(join(dir, 'sources.json'), 'utf8'));
      expect(sources.kinds).toContain('filesystems');
      const run = await runBuiltCli(['replay', dir, '--json']);
      const doc = JSON.parse(run.stdout.trim().split('\n')[1]!);
      expect(doc.filesystems.map((f: { mountPoint: string }) => f.mountPoint)).toContain('/');
    });

    it('takes the source flags every sampling command takes, checked the same way', async () => {
      const empty = join(dir, 'no-vms-here');
      await mkdir(empty);
      const run = await runBuiltCli([
        'record',
        join(dir, 'flags'),
        '--ch-dir',
        empty,
        '--fc-dir',
        empty,
        '--count',
        '2',
        '--interval',
        '100ms',
      ]);
      expect(run.stderr).toMatch(/recorded 2 readings \(.*vms.*\)/);
      expect(run.code).toBe(0);
      // Without the flags only QEMU is recorded (the default); with them, their VMMs too.
      const sources = JSON.parse(await readFile(join(dir, 'flags', 'sources.json'), 'utf8'));
      expect(sources.vms.vmms).toEqual(['qemu', 'cloud-hypervisor', 'firecracker']);
      const bad = await runBuiltCli(['record', join(dir, 'bad'), '--ch-dir', '']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--ch-dir: must not be empty/);
    });

    it('refuses --count 1: a single reading has no pair to replay', async () => {
      const run = await runBuiltCli(['record', join(dir, 'one'), '--count', '1']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/expected a whole number from 2 to 100000, got "1"/);
    });

    it('refuses to record over a recording unless --force', async () => {
      const again = await runBuiltCli(['record', dir, '--count', '2', '--interval', '100']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already holds a recording .*--force/);
      expect((await readdir(join(dir, 'readings'))).sort()).toEqual(['0001', '0002', '0003']);
      const forced = await runBuiltCli([
        'record',
        dir,
        '--count',
        '2',
        '--interval',
        '100',
        '--force',
      ]);
      expect(forced.code).toBe(0);
      expect((await readdir(join(dir, 'readings'))).sort()).toEqual(['0001', '0002']);
    });

    it('a recording with a link to the live host fails, naming the refused file', async () => {
      const hostile = join(dir, 'hostile');
      const made = await runBuiltCli(['record', hostile, '--count', '2', '--interval', '100']);
      expect(made.code).toBe(0);
      const stat = join(hostile, 'readings', '0001', 'proc', 'stat');
      await rm(stat);
      await symlink('/proc/stat', stat);
      const run = await runBuiltCli(['replay', hostile]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(stat);
      expect(run.stderr).toMatch(/refused: it is a symbolic link/);
    });

    it('replay of a folder that is no recording fails with exit 1 and names the file', async () => {
      const run = await runBuiltCli(['replay', join(dir, 'readings')]);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/recording\.json/);
      expect(run.stdout).toBe('');
    });
  },
);

describe('arcbox-perf replay of a darwin recording, on any machine (built binary)', () => {
  // perf-darwin's assembled Apple Silicon recording: reading 2 = reading 1 plus stated deltas
  // over 2 s (see __fixtures__/darwin-apple-silicon-2/PROVENANCE.md).
  const fixture = fileURLToPath(
    new URL('../../__fixtures__/darwin-apple-silicon-2', import.meta.url),
  );

  it('computes the rates the recorded deltas give', async () => {
    const run = await runBuiltCli(['replay', fixture, '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const docs = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(docs).toHaveLength(1);
    const validate = schemaValidator('snapshot');
    expect(validate(docs[0]), JSON.stringify(validate.errors)).toBe(true);
    const m = docs[0].system;
    expect(m).toMatchObject({ platform: 'darwin', intervalMs: 2000, cpuCount: 10 });
    // en0: +2000000 bytes in, +500000 out; lo0 is left out of the total.
    expect(m.netRxBps).toBe(1_000_000);
    expect(m.netTxBps).toBe(250_000);
    // disk0: +4 MiB read, +1 MiB written, +100 / +50 operations.
    expect(m.diskReadBps).toBe(2_097_152);
    expect(m.diskWriteBps).toBe(524_288);
    expect(m.diskReadIops).toBe(50);
    // core 0: 1500 ms busy of 2000 ms.
    expect(m.cpuPerCore[0]).toEqual({ id: 0, percent: 75 });
  });
});

describe.skipIf(!canCreateCgroups)(
  'arcbox-perf record -> replay with a container the test creates (needs root)',
  () => {
    let dir = '';
    let busy: TestCgroup;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-rec-ct-'));
      busy = createTestCgroup(`arcbox-rec-${process.pid}`);
      busy.run('for (;;) {}');
    });
    afterAll(async () => {
      await busy?.remove();
      await rm(dir, { recursive: true, force: true });
    });

    it("records the cgroup's files beside the host's and replays its CPU", async () => {
      const rec = await runBuiltCli([
        'record',
        dir,
        '--count',
        '3',
        '--interval',
        '300',
        '--cgroup',
        busy.path,
      ]);
      expect(rec.code).toBe(0);
      const run = await runBuiltCli(['replay', dir, '--json']);
      expect(run.stderr).toBe('');
      const docs = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(docs).toHaveLength(2);
      const validate = schemaValidator('snapshot');
      for (const doc of docs) expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      const last = docs[1].containers.find((c: { name: string }) => c.name === busy.name);
      expect(last).toBeDefined();
      // The spinning process had a good share of a core over the recorded interval.
      expect(last.cpuPercent).toBeGreaterThan(20);
      expect(last.intervalMs).toBeGreaterThanOrEqual(290);
    });
  },
);
