import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const base = '/sys/fs/cgroup';
const v2 = existsSync(join(base, 'cgroup.controllers'));
// On cgroup v1 the container collector reads these hierarchies; a process joins each one.
const v1Controllers = ['cpuacct', 'memory', 'pids', 'blkio'].filter((c) =>
  existsSync(join(base, c)),
);
// Where a CPU quota is set: its own hierarchy on v1 (or shared with cpuacct as `cpu,cpuacct`).
const v1Cpu = existsSync(join(base, 'cpu')) ? join(base, 'cpu') : null;

/** Whether this test run may create cgroups (root and a cgroup mount). */
export const canCreateCgroups =
  process.platform === 'linux' && process.getuid?.() === 0 && (v2 || v1Controllers.length > 0);

export interface TestCgroup {
  name: string;
  /** Where it shows in cgroup paths: `/<name>`. */
  path: string;
  /** Starts `node -e script` inside the cgroup (it joins before doing anything). */
  run(script: string): ChildProcess;
  remove(): Promise<void>;
}

/**
 * A top-level cgroup in every hierarchy the collector reads, removed (processes killed) after;
 * with `cpuQuotaCores`, under that CPU quota (cpu.max on v2, cfs_quota_us on v1).
 */
export function createTestCgroup(
  name: string,
  options: { cpuQuotaCores?: number } = {},
): TestCgroup {
  const dirs = v2 ? [join(base, name)] : v1Controllers.map((c) => join(base, c, name));
  const quota = options.cpuQuotaCores;
  if (quota !== undefined && !v2 && v1Cpu && !dirs.includes(join(v1Cpu, name)))
    dirs.push(join(v1Cpu, name));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  if (quota !== undefined) {
    const period = 100_000;
    if (v2) writeFileSync(join(base, name, 'cpu.max'), `${Math.round(quota * period)} ${period}`);
    else if (v1Cpu) {
      writeFileSync(join(v1Cpu, name, 'cpu.cfs_period_us'), String(period));
      writeFileSync(join(v1Cpu, name, 'cpu.cfs_quota_us'), String(Math.round(quota * period)));
    }
  }
  const children: ChildProcess[] = [];
  return {
    name,
    path: `/${name}`,
    run(script) {
      // The child waits for a line on stdin, so it is in the cgroup before it allocates or spins.
      const child = spawn(
        process.execPath,
        ['-e', `process.stdin.once('data', () => { process.stdin.pause(); ${script} });`],
        {
          stdio: ['pipe', 'ignore', 'ignore'],
        },
      );
      children.push(child);
      for (const d of dirs) writeFileSync(join(d, 'cgroup.procs'), String(child.pid));
      child.stdin?.write('go\n');
      return child;
    },
    async remove() {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) {
          const gone = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGKILL');
          await gone;
        }
      }
      for (const d of dirs) {
        for (let attempt = 0; attempt < 50; attempt += 1) {
          try {
            rmdirSync(d);
            break;
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === 'ENOENT') break;
            // EBUSY until the kernel has reaped the killed processes.
            await sleep(100);
          }
        }
      }
    },
  };
}
