import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { computeContainerMetrics } from '@arcbox/perf-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCgroupContainerCollector } from './cgroup-container-collector.js';
import { isRoot } from './testing/exec.js';

const hasBusybox = existsSync('/bin/busybox');
const hasV1 = existsSync('/sys/fs/cgroup/memory/memory.limit_in_bytes');
const hasUnified = existsSync('/sys/fs/cgroup/unified/cgroup.procs');
const ready = isRoot && hasBusybox && hasV1 && hasUnified;
const why = !isRoot
  ? 'needs root'
  : !hasBusybox
    ? 'needs busybox-static'
    : 'needs cgroup v1 plus the cgroup2 mount at /sys/fs/cgroup/unified';

const signal = new AbortController().signal;
const MIB = 2 ** 20;
const suffix = `${process.pid}-${Date.now() % 100000}`;
const v1Parent = `arcbox-plain-${suffix}`;
const v2Dir = `arcbox-plain2-${suffix}`;
const v1Controllers = ['memory', 'cpuacct', 'cpu', 'pids', 'blkio'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function procTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

describe.skipIf(!ready)(
  `plain cgroups the test creates, read through configured paths (skipped: ${ready ? '' : why})`,
  () => {
    const children: ChildProcess[] = [];
    let busy: ChildProcess;
    let idle: ChildProcess;
    let v2proc: ChildProcess;

    const start = (args: string[]) => {
      const child = spawn('/bin/busybox', args, { stdio: 'ignore' });
      children.push(child);
      return child;
    };

    beforeAll(() => {
      for (const c of v1Controllers)
        for (const g of ['a', 'b'])
          mkdirSync(`/sys/fs/cgroup/${c}/${v1Parent}/${g}`, { recursive: true });
      mkdirSync(`/sys/fs/cgroup/unified/${v2Dir}`);
      writeFileSync(`/sys/fs/cgroup/memory/${v1Parent}/a/memory.limit_in_bytes`, String(64 * MIB));
      busy = start(['sh', '-c', 'while :; do :; done']);
      idle = start(['sleep', '100000']);
      v2proc = start(['sleep', '100000']);
      for (const c of v1Controllers) {
        writeFileSync(`/sys/fs/cgroup/${c}/${v1Parent}/a/cgroup.procs`, String(busy.pid));
        writeFileSync(`/sys/fs/cgroup/${c}/${v1Parent}/b/cgroup.procs`, String(idle.pid));
      }
      writeFileSync(`/sys/fs/cgroup/unified/${v2Dir}/cgroup.procs`, String(v2proc.pid));
    });

    afterAll(async () => {
      for (const child of children) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) await exited;
      }
      for (const c of v1Controllers) {
        for (const g of ['a', 'b']) rmdirSync(`/sys/fs/cgroup/${c}/${v1Parent}/${g}`);
        rmdirSync(`/sys/fs/cgroup/${c}/${v1Parent}`);
      }
      rmdirSync(`/sys/fs/cgroup/unified/${v2Dir}`);
    });

    it('reads v1 groups from a glob and a v2 group from its mount path, naming what each lacks', async () => {
      const collector = createCgroupContainerCollector({
        discover: false,
        cgroupPaths: [`/${v1Parent}/*`, `/sys/fs/cgroup/unified/${v2Dir}`],
      });
      const t0 = procTicks(busy.pid as number);
      const first = await collector.collect({ signal });
      await sleep(1200);
      const second = await collector.collect({ signal });
      const t1 = procTicks(busy.pid as number);
      collector.close();
      expect(second.map((r) => r.id).sort()).toEqual(
        [`/${v1Parent}/a`, `/${v1Parent}/b`, `/${v2Dir}`].sort(),
      );
      const pair = (id: string) => {
        const prev = first.find((r) => r.id === id);
        const now = second.find((r) => r.id === id);
        if (!prev || !now) throw new Error(`missing ${id}`);
        return { now, m: computeContainerMetrics(prev, now) };
      };

      const a = pair(`/${v1Parent}/a`);
      expect(a.now).toMatchObject({ runtime: 'cgroup', name: 'a', source: 'cgroup' });
      expect(a.m.memoryLimit).toBe(64 * MIB);
      expect(a.m.memoryPercentOfHost).toBe(false);
      expect(a.m.pids).toBe(1);
      const procPercent = ((t1 - t0) / 100 / ((a.m.intervalMs ?? 1) / 1000)) * 100;
      expect(a.m.cpuPercent).toBeGreaterThan(5);
      expect(Math.abs((a.m.cpuPercent ?? 0) - procPercent)).toBeLessThan(15);

      const b = pair(`/${v1Parent}/b`);
      expect(b.m.memoryLimit).toBeNull();
      expect(b.m.memoryPercentOfHost).toBe(true);
      expect(b.m.pids).toBe(1);
      expect(b.m.cpuPercent).toBeLessThan(10);

      // Plain cgroups share the host's network namespace: no host traffic passed off as theirs.
      for (const r of [a.now, b.now]) {
        expect(r.interfaces).toBeNull();
        expect(r.problems.some((p) => /host network namespace/.test(p.message))).toBe(true);
      }

      const v2 = pair(`/${v2Dir}`);
      expect(v2.now.cpuSeconds).not.toBeNull();
      expect(v2.m.cpuPercent).toBeLessThan(10);
      expect(v2.now.memoryUsage).toBeNull();
      expect(v2.now.problems.map((p) => p.source)).toEqual(
        expect.arrayContaining(['memory', 'io', 'pids']),
      );
    });
  },
);
