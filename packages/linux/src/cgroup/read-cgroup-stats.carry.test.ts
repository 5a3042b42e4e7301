// Which files a reading with `previous` reads again, on a constructed cgroup v1 tree (plain files
// written by the test in the kernel's formats, not a recording): the rule is about which files
// are read, so the test counts reads and changes the files between readings.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { type CgroupLayout, layoutFromMounts } from './cgroup-layout.js';
import { type CgroupStats, readCgroupStats } from './read-cgroup-stats.js';

const controllers = ['cpuacct', 'cpu', 'memory', 'blkio', 'pids'];
const blkio = (read: number, write: number) =>
  `8:0 Read ${read}\n8:0 Write ${write}\n8:0 Sync 0\n8:0 Async ${read + write}\n8:0 Total ${read + write}\nTotal ${read + write}\n`;

describe('readCgroupStats with the previous reading', () => {
  let dir: string;
  let layout: CgroupLayout;
  let reads: string[];
  let reader: FileReader;
  const write = (controller: string, file: string, text: string) =>
    writeFileSync(join(dir, 'sys/fs/cgroup', controller, 'box', file), text);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'arcbox-carry-'));
    for (const c of controllers)
      mkdirSync(join(dir, 'sys/fs/cgroup', c, 'box'), { recursive: true });
    layout = layoutFromMounts(
      controllers.map((c) => ({
        mountPoint: `sys/fs/cgroup/${c}`,
        mountRoot: '/',
        controllers: [c],
        version: 1 as const,
      })),
    );
    write('cpuacct', 'cpuacct.usage', '5000000000\n');
    write('cpu', 'cpu.stat', 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n');
    write('cpu', 'cpu.cfs_quota_us', '-1\n');
    write('cpu', 'cpu.cfs_period_us', '100000\n');
    write('memory', 'memory.usage_in_bytes', '10485760\n');
    write('memory', 'memory.stat', 'cache 0\nrss 0\ntotal_inactive_file 1048576\n');
    write('memory', 'memory.limit_in_bytes', '67108864\n');
    write('memory', 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    write('memory', 'memory.failcnt', '17\n');
    write('memory', 'cgroup.procs', '');
    write('blkio', 'blkio.throttle.io_service_bytes_recursive', blkio(4096, 8192));
    write('blkio', 'blkio.throttle.io_serviced_recursive', blkio(1, 2));
    write('pids', 'pids.current', '3\n');
    write('pids', 'pids.max', 'max\n');
    reads = [];
    const files = createFileReader({ root: dir, keepOpen: false });
    reader = {
      ...files,
      read(path) {
        reads.push(path.slice(path.lastIndexOf('/') + 1));
        return files.read(path);
      },
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const read = (previous: CgroupStats | null) => {
    reads = [];
    return readCgroupStats(reader, layout, '/box', {
      previous,
      limits: previous?.limits ?? null,
    });
  };

  it('carries cpu.stat without a quota, memory.stat while usage holds, blkio ops while bytes hold (not the OOM and limit-hit counters under a limit)', () => {
    const first = read(null);
    expect(reads).toContain('memory.stat');
    expect(reads).toContain('cpu.stat');
    expect(reads).toContain('blkio.throttle.io_serviced_recursive');
    expect(first.memoryWorkingSet).toBe(9 * 2 ** 20);

    write('cpuacct', 'cpuacct.usage', '6000000000\n');
    const second = read(first);
    expect(reads.sort()).toEqual([
      'blkio.throttle.io_service_bytes_recursive',
      'cpuacct.usage',
      'memory.failcnt',
      'memory.oom_control',
      'memory.usage_in_bytes',
      'pids.current',
    ]);
    expect(second.cpuSeconds).toBe(6);
    expect(second.memoryWorkingSet).toBe(first.memoryWorkingSet);
    expect(second.memoryInactiveFile).toBe(2 ** 20);
    expect([second.blockReadOps, second.blockWriteOps]).toEqual([1, 2]);
    expect([second.cpuPeriods, second.cpuThrottledPeriods]).toEqual([0, 0]);
    expect([second.memoryOomKills, second.memoryLimitHits]).toEqual([2, 17]);
  });

  it('reads memory.oom_control and memory.failcnt again when usage moved (a kill frees memory)', () => {
    const first = read(null);
    expect([first.memoryOomKills, first.memoryLimitHits]).toEqual([2, 17]);
    write('memory', 'memory.usage_in_bytes', '1048576\n');
    write('memory', 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    write('memory', 'memory.failcnt', '40\n');
    const second = read(first);
    expect(reads).toEqual(expect.arrayContaining(['memory.oom_control', 'memory.failcnt']));
    expect([second.memoryOomKills, second.memoryLimitHits]).toEqual([3, 40]);
  });

  it('reads memory.failcnt and memory.oom_control while usage holds at the limit', () => {
    // A cgroup at its limit: charges fail and are reclaimed back to the same usage, so the
    // usage holds between two readings while failcnt (and an OOM kill) moves.
    write('memory', 'memory.usage_in_bytes', '67104768\n');
    const first = read(null);
    expect([first.memoryOomKills, first.memoryLimitHits]).toEqual([2, 17]);
    write('memory', 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    write('memory', 'memory.failcnt', '15849\n');
    const second = read(first);
    expect(second.memoryUsage).toBe(first.memoryUsage);
    expect(reads).toEqual(expect.arrayContaining(['memory.oom_control', 'memory.failcnt']));
    expect([second.memoryOomKills, second.memoryLimitHits]).toEqual([3, 15849]);
  });

  it('carries memory.failcnt while the limits in use say the cgroup has no memory limit, and reads it at the next limits refresh', () => {
    write('memory', 'memory.limit_in_bytes', '9223372036854771712\n');
    write('memory', 'memory.failcnt', '5\n');
    const first = read(null);
    expect(first.memoryLimit).toBeNull();
    expect(first.memoryLimitHits).toBe(5);
    // No limit of its own: the kernel counts no failed charge on it (a parent's limit counts on
    // the parent). A limit set and removed within the limits' cache shows at their next read.
    write('memory', 'memory.failcnt', '9\n');
    const second = read(first);
    expect(reads).not.toContain('memory.failcnt');
    expect(second.memoryLimitHits).toBe(5);
    const refreshed = read(null);
    expect(reads).toContain('memory.failcnt');
    expect(refreshed.memoryLimitHits).toBe(9);
  });

  it('carries memory.oom_control only while the host counted no OOM kill', () => {
    const first = read(null);
    write('memory', 'memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    reads = [];
    const held = readCgroupStats(reader, layout, '/box', {
      previous: first,
      limits: first.limits,
      hostOomKillsHeld: true,
    });
    expect(reads).not.toContain('memory.oom_control');
    expect(held.memoryOomKills).toBe(2);
    const moved = read(first);
    expect(reads).toContain('memory.oom_control');
    expect(moved.memoryOomKills).toBe(3);
  });

  it('reads cpu.cfs_period_us only under a CPU quota', () => {
    const none = read(null);
    expect(reads).toContain('cpu.cfs_quota_us');
    expect(reads).not.toContain('cpu.cfs_period_us');
    expect(none.cpuLimitCores).toBeNull();
    write('cpu', 'cpu.cfs_quota_us', '150000\n');
    const quota = read(null);
    expect(reads).toContain('cpu.cfs_period_us');
    expect(quota.cpuLimitCores).toBe(1.5);
  });

  it('reads memory.stat again when usage moved, and the ops table when bytes moved', () => {
    const first = read(null);
    write('memory', 'memory.usage_in_bytes', '20971520\n');
    write('memory', 'memory.stat', 'cache 0\nrss 0\ntotal_inactive_file 4194304\n');
    write('blkio', 'blkio.throttle.io_service_bytes_recursive', blkio(4096, 16384));
    write('blkio', 'blkio.throttle.io_serviced_recursive', blkio(1, 4));
    const second = read(first);
    expect(reads).toContain('memory.stat');
    expect(reads).toContain('blkio.throttle.io_serviced_recursive');
    expect(second.memoryWorkingSet).toBe(16 * 2 ** 20);
    expect(second.blockWriteOps).toBe(4);
  });

  it('reads cpu.stat on every reading under a CPU quota', () => {
    write('cpu', 'cpu.cfs_quota_us', '50000\n');
    const first = read(null);
    expect(first.cpuLimitCores).toBe(0.5);
    write('cpu', 'cpu.stat', 'nr_periods 10\nnr_throttled 4\nthrottled_time 2000000000\n');
    const second = read(first);
    expect(reads).toContain('cpu.stat');
    expect([second.cpuPeriods, second.cpuThrottledPeriods, second.cpuThrottledSeconds]).toEqual([
      10, 4, 2,
    ]);
  });

  it('reads every file without a previous reading (each limits refresh)', () => {
    const first = read(null);
    write('memory', 'memory.stat', 'cache 0\nrss 0\ntotal_inactive_file 0\n');
    const again = readCgroupStats(reader, layout, '/box', { previous: null, limits: first.limits });
    expect(again.memoryWorkingSet).toBe(10 * 2 ** 20);
  });
});
