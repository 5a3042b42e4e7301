import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasQemu, type PausedQemu, startPausedQemu } from '../test-support/paused-qemu.js';
import { runBuiltCli, schemaValidator } from '../test-support/run-built-cli.js';

const onLinux = process.platform === 'linux';
const USER_HZ = 100;

/** utime + stime of a recorded /proc stat file, in seconds (fields 14 and 15, after the comm). */
async function recordedCpuSeconds(file: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

const readingFolder = (rec: string, n: number) => join(rec, 'readings', String(n).padStart(4, '0'));

function parseLines(stdout: string) {
  return stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe.skipIf(!onLinux || !hasQemu)(
  'arcbox-perf record -> replay of a real QEMU VM (paused, 2 vCPUs; needs Debian qemu-system-x86)',
  () => {
    let dir = '';
    let rec = '';
    let qemu: PausedQemu | undefined;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'arcbox-cli-rec-vm-'));
      rec = join(dir, 'rec');
      await mkdir(join(dir, 'vms'));
      qemu = await startPausedQemu(join(dir, 'vms', 'rec-vm.qmp'), 'arcbox-rec-vm');
      const run = await runBuiltCli([
        'record',
        rec,
        '--count',
        '3',
        '--interval',
        '200',
        '--no-containers',
        '--vm-dir',
        join(dir, 'vms'),
      ]);
      expect(run.stderr).toMatch(/recorded 3 readings/);
      expect(run.stderr).not.toMatch(/warning/);
      expect(run.code).toBe(0);
    });
    afterAll(async () => {
      await qemu?.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it('saves the QMP replies and the vCPU threads’ /proc files of every reading', async () => {
      for (const n of [1, 2, 3]) {
        const qmp = join(readingFolder(rec, n), 'qmp', 'rec-vm');
        const cpus = JSON.parse(await readFile(join(qmp, 'query-cpus-fast.json'), 'utf8'));
        expect(cpus.return).toHaveLength(2);
        expect(
          JSON.parse(await readFile(join(qmp, 'query-memory-size-summary.json'), 'utf8')),
        ).toEqual({ return: { 'base-memory': 128 * 2 ** 20, 'plugged-memory': 0 } });
        for (const c of cpus.return as Array<{ 'thread-id': number }>) {
          const stat = join(readingFolder(rec, n), 'proc', String(qemu?.pid), 'task');
          await expect(
            recordedCpuSeconds(join(stat, String(c['thread-id']), 'stat')),
          ).resolves.toBeGreaterThanOrEqual(0);
        }
      }
    });

    it('replay --json gives the VM with the figures its recorded files give', async () => {
      const run = await runBuiltCli(['replay', rec, '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const docs = parseLines(run.stdout);
      expect(docs).toHaveLength(2);
      const validate = schemaValidator('snapshot');
      for (const [i, doc] of docs.entries()) {
        expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
        expect(doc.vms).toHaveLength(1);
        const vm = doc.vms[0];
        expect(vm).toMatchObject({
          id: 'rec-vm',
          name: 'arcbox-rec-vm',
          vmm: 'qemu',
          pid: qemu?.pid,
          memoryTotal: 128 * 2 ** 20,
          memorySource: 'configured',
          problems: [],
        });
        // The same interval as the system figures: the VMs carry their reading's stamp.
        expect(vm.intervalMs).toBeCloseTo(doc.system.intervalMs, 6);
        // Each vCPU: its thread from that reading's query-cpus-fast, its CPU time from the
        // recorded task stat, its percent the core formula over the two recorded readings.
        const [before, after] = [readingFolder(rec, i + 1), readingFolder(rec, i + 2)];
        const cpus = JSON.parse(
          await readFile(join(after, 'qmp', 'rec-vm', 'query-cpus-fast.json'), 'utf8'),
        ).return as Array<{ 'thread-id': number; 'cpu-index': number }>;
        expect(vm.vcpus).toHaveLength(2);
        for (const c of cpus) {
          const task = (folder: string) =>
            join(folder, 'proc', String(qemu?.pid), 'task', String(c['thread-id']), 'stat');
          const [was, now] = [
            await recordedCpuSeconds(task(before)),
            await recordedCpuSeconds(task(after)),
          ];
          const v = vm.vcpus.find((x: { index: number }) => x.index === c['cpu-index']);
          expect(v).toMatchObject({ threadId: c['thread-id'], cpuSeconds: now });
          expect(v.percent).toBeCloseTo((100 * (now - was)) / (vm.intervalMs / 1000), 6);
        }
        const process = await recordedCpuSeconds(join(after, 'proc', String(qemu?.pid), 'stat'));
        expect(vm.processCpuSeconds).toBe(process);
      }
    });

    it('replay prints the VM table after the host report', async () => {
      const run = await runBuiltCli(['replay', rec]);
      expect(run.code).toBe(0);
      expect(run.stdout.match(/^VMs \(1\)$/gm)).toHaveLength(2);
      expect(run.stdout).toMatch(new RegExp(`^ +arcbox-rec-vm +qemu +${qemu?.pid} `, 'm'));
    });

    it('a recording without qmp/ (--no-vms) replays with no VMs and no error', async () => {
      const plain = join(dir, 'plain');
      const made = await runBuiltCli([
        'record',
        plain,
        '--count',
        '2',
        '--interval',
        '100',
        '--no-containers',
        '--no-vms',
        '--vm-dir',
        join(dir, 'vms'),
      ]);
      expect(made.code).toBe(0);
      const run = await runBuiltCli(['replay', plain, '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const [doc] = parseLines(run.stdout);
      expect(doc.vms).toEqual([]);
      expect(doc.system.cpuCount).toBeGreaterThan(0);
    });
  },
);
