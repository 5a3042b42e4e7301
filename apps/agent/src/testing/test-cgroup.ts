// Test support: a real cgroup made by the test (v1 controller dirs, or one v2 dir), with processes
// moved into it, removed again at the end.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const base = '/sys/fs/cgroup';
const v1Controllers = ['cpu', 'cpuacct', 'memory', 'pids', 'blkio'];

export const isRoot = process.getuid?.() === 0;
export const isCgroupV2 = existsSync(join(base, 'cgroup.controllers'));
/** Whether this machine lets the test make cgroups: root, and a v1 cpuacct or a v2 tree. */
export const canMakeCgroups = isRoot && (isCgroupV2 || existsSync(join(base, 'cpuacct')));

export interface TestCgroup {
  /** The cgroup path relative to the hierarchy root, as the agent config takes it: `/name`. */
  path: string;
  dirs: string[];
  /** Starts a process inside the cgroup (a busy loop by default). */
  run(script?: string): Promise<ChildProcess>;
  /**
   * Sets a memory limit (bytes), a CPU quota (cores, over a 100 ms period) and a CPU weight
   * (v2 `cpu.weight`, 1..10000, 100 by default; v1 `cpu.shares` = weight x 10.24): a heavier
   * cgroup keeps its CPU on a machine other work keeps busy.
   */
  limit(limits: { memoryBytes?: number; cpuCores?: number; cpuWeight?: number }): Promise<void>;
  remove(): Promise<void>;
}

export async function createTestCgroup(name: string): Promise<TestCgroup> {
  const dirs = isCgroupV2
    ? [join(base, name)]
    : v1Controllers.map((c) => join(base, c, name)).filter((d) => existsSync(join(d, '..')));
  for (const dir of dirs) await mkdir(dir, { recursive: true });
  const children: ChildProcess[] = [];
  return {
    path: `/${name}`,
    dirs,
    async run(script = 'while :; do :; done') {
      // The child waits for a line on stdin so it is inside the cgroup before it does any work.
      const child = spawn('sh', ['-c', `read go; ${script}`], {
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      children.push(child);
      for (const dir of dirs) await writeFile(join(dir, 'cgroup.procs'), String(child.pid));
      child.stdin?.write('go\n');
      return child;
    },
    async limit({ memoryBytes, cpuCores, cpuWeight }) {
      const quota = cpuCores === undefined ? undefined : Math.round(cpuCores * 100_000);
      if (isCgroupV2) {
        const dir = dirs[0]!;
        if (memoryBytes !== undefined)
          await writeFile(join(dir, 'memory.max'), String(memoryBytes));
        if (quota !== undefined) await writeFile(join(dir, 'cpu.max'), `${quota} 100000`);
        if (cpuWeight !== undefined) await writeFile(join(dir, 'cpu.weight'), String(cpuWeight));
        return;
      }
      const v1 = (controller: string) => dirs.find((d) => d === join(base, controller, name));
      const memory = v1('memory');
      if (memoryBytes !== undefined && memory)
        await writeFile(join(memory, 'memory.limit_in_bytes'), String(memoryBytes));
      const cpu = v1('cpu');
      if (quota !== undefined && cpu) {
        await writeFile(join(cpu, 'cpu.cfs_period_us'), '100000');
        await writeFile(join(cpu, 'cpu.cfs_quota_us'), String(quota));
      }
      if (cpuWeight !== undefined && cpu)
        await writeFile(join(cpu, 'cpu.shares'), String(Math.round(cpuWeight * 10.24)));
    },
    async remove() {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGKILL');
          await new Promise((r) => child.once('exit', r));
        }
      }
      // Whatever the children started (a shell's sleep) is in the cgroup too: kill by membership.
      for (const dir of dirs) {
        const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
        for (const pid of procs.split('\n').filter((p) => p.trim() !== '')) {
          try {
            process.kill(Number(pid), 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
      for (const dir of dirs) {
        // A killed process leaves the cgroup a moment after its exit is reported.
        for (let i = 0; i < 50; i += 1) {
          const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
          if (procs.trim() === '') break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await rmdir(dir).catch(() => undefined);
      }
    },
  };
}
