import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeContainerMetrics } from '@arcbox/perf-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileReader } from '../fs/file-reader.js';
import { createRecordingReader } from '../fs/recording-reader.js';
import { detectCgroupLayout } from './cgroup-layout.js';
import { createCgroupContainerCollector } from './cgroup-container-collector.js';
import { collectContainer, collectContainers } from './collect-containers.js';

const fixtures = new URL('../../__fixtures__/cgroup/', import.meta.url).pathname;
const signal = new AbortController().signal;
const clock = () => ({ monotonicMs: 1000, time: 1_700_000_000_000 });
const dockerId = 'b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242';
const scopeId = '1c8fa019edd4b9d4b2856f4932c55929c5c118c808ed5faee9a135ca6e84b039';
const k8sId = '1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496';
const tmp: string[] = [];
afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true });
});

const collector = (
  tree: string,
  extra: Parameters<typeof createCgroupContainerCollector>[0] = {},
) =>
  createCgroupContainerCollector({
    reader: createFileReader({ root: join(fixtures, tree), keepOpen: false }),
    clock,
    hostCpuCount: 4,
    hostMemoryTotal: 16 * 2 ** 30,
    ...extra,
  });

describe('cgroup layouts from recorded mountinfo', () => {
  it('v1 docker tree: v1 controllers plus the cgroup2 mount, rewritten mount points mapped back', () => {
    const layout = detectCgroupLayout(
      createFileReader({ root: join(fixtures, 'cgroupv1_docker'), keepOpen: false }),
    );
    expect(layout.version).toBe(1);
    expect(layout.v1.get('cpuacct')?.mountPoint).toBe('sys/fs/cgroup/cpuacct');
    expect(layout.v1.get('memory')?.mountRoot).toBe(
      '/docker/3fc95ce32f84e9346c5fbd3bce38045e478aa5b067603955555cbff8445ba74f',
    );
    expect(layout.unified?.mountPoint).toBe('sys/fs/cgroup');
  });

  it('k8s tree: the co-mounted cpu,cpuacct hierarchy serves both controllers', () => {
    const layout = detectCgroupLayout(
      createFileReader({ root: join(fixtures, 'cgroupv1_k8s_containerd_amzn2'), keepOpen: false }),
    );
    expect(layout.version).toBe(1);
    expect(layout.v1.get('cpu')?.mountPoint).toBe('sys/fs/cgroup/cpu,cpuacct');
    expect(layout.v1.get('cpuacct')).toBe(layout.v1.get('cpu'));
  });

  it('pure v2 tree', () => {
    const layout = detectCgroupLayout(
      createFileReader({ root: join(fixtures, 'cgroupv2_docker2'), keepOpen: false }),
    );
    expect(layout.version).toBe(2);
    expect(layout.unified?.mountPoint).toBe('sys/fs/cgroup');
  });
});

describe('createCgroupContainerCollector on real cgroup captures', () => {
  it('v1 docker tree: discovers /docker/<id> and the v2 docker-<id>.scope, reads SEMANTICS figures', async () => {
    const readings = await collector('cgroupv1_docker').collect({ signal });
    const byId = new Map(readings.map((r) => [r.id, r]));
    expect([...byId.keys()].sort()).toEqual([scopeId, dockerId].sort());

    const d = byId.get(dockerId);
    expect(d).toMatchObject({
      runtime: 'docker',
      source: 'cgroup',
      cgroupPath: `/docker/${dockerId}`,
      name: dockerId.slice(0, 12),
      cpuSeconds: 95.996653175,
      cpuPeriods: 769021,
      cpuThrottledPeriods: 1046,
      cpuThrottledSeconds: 352.597023453,
      cpuLimitCores: null,
      memoryUsage: 295997440,
      memoryWorkingSet: 295997440 - 40108032,
      memoryLimit: null,
      blockReadBytes: 4608 + 4608 + 1638912,
      blockWriteBytes: 0,
      blockReadOps: 2 + 2 + 42,
      blockWriteOps: 0,
      pids: null,
      hostCpuCount: 4,
      monotonicMs: 1000,
    });
    // This capture has no pids hierarchy: the reading says so instead of inventing a count.
    expect(d?.problems.map((p) => p.source)).toContain('pids');

    const s = byId.get(scopeId);
    expect(s).toMatchObject({
      runtime: 'docker',
      cpuSeconds: 26772.130245,
      memoryUsage: 9125888,
      memoryWorkingSet: 9125888 - 270336,
      memoryLimit: null,
      blockReadBytes: 512 + 1024,
      blockWriteBytes: 4096 + 4096,
      blockReadOps: 101,
    });
  });

  it('v1 Kubernetes tree (containerd, systemd driver): finds the container under kubepods', async () => {
    const [r, ...rest] = await collector('cgroupv1_k8s_containerd_amzn2').collect({ signal });
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({
      id: k8sId,
      runtime: 'kubernetes',
      cpuSeconds: 124659.500367,
      memoryUsage: 1215860736,
      memoryWorkingSet: 1215860736 - 78557184,
      memoryLimit: 2147483648,
      blockReadBytes: 3448832,
      blockWriteBytes: 25203200,
      pids: 177,
      pidsLimit: null,
      cpuLimitCores: null,
    });
    expect(r?.cgroupPath).toMatch(/^\/kubepods\.slice\/.+\/cri-containerd-/);
    const m = computeContainerMetrics(null, r as NonNullable<typeof r>);
    expect(m.memoryPercent).toBeCloseTo((100 * (1215860736 - 78557184)) / 2147483648, 6);
    expect(m.memoryPercentOfHost).toBe(false);
    expect(m.cpuPercent).toBeNull();
  });

  it('pure v2 tree: a configured path (no runtime layout) reads as a plain cgroup', async () => {
    const c = collector('cgroupv2_docker2', {
      cgroupPaths: ['/user.slice/user-1000.slice/session-*.scope'],
    });
    const [r, ...rest] = await c.collect({ signal });
    expect(rest).toHaveLength(0);
    expect(r).toMatchObject({
      id: '/user.slice/user-1000.slice/session-520.scope',
      name: 'session-520.scope',
      runtime: 'cgroup',
      cpuSeconds: 3611.347518,
      memoryUsage: 10498404352,
      memoryWorkingSet: 10498404352 - 6685749248,
      memoryLimit: null,
      pids: 148,
      pidsLimit: null,
      cpuLimitCores: null,
    });
    // No io.stat in that capture: named, not zero.
    expect(r?.blockReadBytes).toBeNull();
    expect(r?.problems.map((p) => p.source)).toContain('io');
  });

  it('collectContainer finds one container by id or prefix, null for an unknown id', async () => {
    const c = collector('cgroupv1_docker');
    const r = await c.collectContainer(dockerId.slice(0, 12), { signal, name: 'web' });
    expect(r?.id).toBe(dockerId);
    expect(r?.name).toBe('web');
    expect(await c.collectContainer('ffffffffffff', { signal })).toBeNull();
  });

  it('takes names from a lookup and falls back to the short id when it fails', async () => {
    const named = collector('cgroupv1_docker', { names: async () => new Map([[dockerId, 'db']]) });
    const readings = await named.collect({ signal });
    expect(readings.find((r) => r.id === dockerId)?.name).toBe('db');
    const failing = collector('cgroupv1_docker', {
      names: {
        listContainers: async () => {
          throw new Error('engine down');
        },
      },
    });
    const r = (await failing.collect({ signal })).find((x) => x.id === dockerId);
    expect(r?.name).toBe(dockerId.slice(0, 12));
    expect(r?.problems.some((p) => /engine down/.test(p.message))).toBe(true);
  });

  it('records what it reads and the recording replays to the same readings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cgroup-rec-'));
    tmp.push(dir);
    const live = createFileReader({
      root: join(fixtures, 'cgroupv1_k8s_containerd_amzn2'),
      keepOpen: false,
    });
    const recorded = await createCgroupContainerCollector({
      reader: createRecordingReader(live, dir),
      clock,
      hostCpuCount: 2,
      hostMemoryTotal: null,
    }).collect({ signal });
    const replayed = await createCgroupContainerCollector({
      reader: createFileReader({ root: dir, keepOpen: false }),
      clock,
      hostCpuCount: 2,
      hostMemoryTotal: null,
    }).collect({ signal });
    expect(replayed).toEqual(recorded);
    expect(recorded).toHaveLength(1);
  });
});

describe('one-shot helpers', () => {
  it('collectContainers and collectContainer read a tree once', async () => {
    const reader = () =>
      createFileReader({ root: join(fixtures, 'cgroupv1_docker'), keepOpen: false });
    const all = await collectContainers({ reader: reader(), clock, hostCpuCount: 2 });
    expect(all.map((r) => r.id).sort()).toEqual([scopeId, dockerId].sort());
    const one = await collectContainer(dockerId.slice(0, 12), 'api', {
      reader: reader(),
      clock,
      hostCpuCount: 2,
    });
    expect(one).toMatchObject({ id: dockerId, name: 'api', memoryUsage: 295997440 });
    expect(
      await collectContainer('0000000000000', undefined, { reader: reader(), clock }),
    ).toBeNull();
  });
});

describe('bad input', () => {
  const copy = (tree: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'cgroup-bad-'));
    tmp.push(dir);
    cpSync(join(fixtures, tree), dir, { recursive: true });
    return dir;
  };
  const k8sPath =
    'sys/fs/cgroup/memory/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a96c459_d529_44ae_9f99_90d3798d6426.slice/cri-containerd-1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496.scope';

  it('a container appearing starts a series, one disappearing ends it (constructed copy of a real tree)', async () => {
    const dir = copy('cgroupv1_docker');
    const c = createCgroupContainerCollector({
      reader: createFileReader({ root: dir, keepOpen: true }),
      clock,
      hostCpuCount: 2,
      discoverEveryMs: 0,
    });
    expect((await c.collect({ signal })).map((r) => r.id).sort()).toEqual(
      [scopeId, dockerId].sort(),
    );
    const newId = 'f'.repeat(64);
    for (const ctrl of ['cpuacct', 'memory', 'blkio', 'cpu']) {
      cpSync(
        join(dir, 'sys/fs/cgroup', ctrl, 'docker', dockerId),
        join(dir, 'sys/fs/cgroup', ctrl, 'docker', newId),
        {
          recursive: true,
        },
      );
    }
    expect((await c.collect({ signal })).map((r) => r.id).sort()).toEqual(
      [scopeId, dockerId, newId].sort(),
    );
    for (const ctrl of ['cpuacct', 'memory', 'blkio', 'cpu'])
      rmSync(join(dir, 'sys/fs/cgroup', ctrl, 'docker', dockerId), { recursive: true });
    expect((await c.collect({ signal })).map((r) => r.id).sort()).toEqual([scopeId, newId].sort());
    c.close();
  });

  it('a malformed value names the file and keeps every other figure (constructed edit of a real tree)', async () => {
    const dir = copy('cgroupv1_k8s_containerd_amzn2');
    writeFileSync(join(dir, k8sPath, 'memory.usage_in_bytes'), 'not-a-number\n');
    writeFileSync(
      join(dir, k8sPath, 'memory.stat'),
      `an unexpected line\n${readFileSync(join(fixtures, 'cgroupv1_k8s_containerd_amzn2', k8sPath, 'memory.stat'), 'utf8')}`,
    );
    const [r] = await createCgroupContainerCollector({
      reader: createFileReader({ root: dir, keepOpen: false }),
      clock,
      hostCpuCount: 2,
    }).collect({
      signal,
    });
    expect(r?.memoryUsage).toBeNull();
    expect(r?.memoryWorkingSet).toBeNull();
    expect(r?.memoryLimit).toBe(2147483648);
    expect(r?.cpuSeconds).toBe(124659.500367);
    const problem = r?.problems.find((p) => p.code === 'PARSE_ERROR');
    expect(problem?.source).toContain('memory.usage_in_bytes');
  });

  it('a negative usage, pid count or cpu.stat value is null with a problem naming file and field, never a figure (constructed edit of a real tree)', async () => {
    const dir = copy('cgroupv1_k8s_containerd_amzn2');
    const at = (controller: string) => k8sPath.replace('/memory/', `/${controller}/`);
    writeFileSync(join(dir, k8sPath, 'memory.usage_in_bytes'), '-123456789\n');
    writeFileSync(join(dir, at('pids'), 'pids.current'), '-5\n');
    writeFileSync(
      join(dir, at('cpu,cpuacct'), 'cpu.stat'),
      'nr_periods -3\nnr_throttled 2\nthrottled_time 99999999999999999999\n',
    );
    const [r] = await createCgroupContainerCollector({
      reader: createFileReader({ root: dir, keepOpen: false }),
      clock,
      hostCpuCount: 2,
    }).collect({ signal });
    expect(r).toMatchObject({
      memoryUsage: null,
      memoryWorkingSet: null,
      pids: null,
      cpuPeriods: null,
      cpuThrottledPeriods: 2,
      cpuThrottledSeconds: null,
      cpuSeconds: 124659.500367,
      memoryLimit: 2147483648,
    });
    const said = (file: string) =>
      r?.problems.filter((p) => p.source.endsWith(`/${file}`)).map((p) => p.message) ?? [];
    expect(said('memory.usage_in_bytes').join()).toContain('-123456789');
    expect(said('pids.current').join()).toContain('"-5"');
    expect(said('cpu.stat').join('\n')).toMatch(/nr_periods.*-3[\s\S]*throttled_time/);
  });

  it('cgroup v2: a negative cpu.max quota, usage_usec or io.stat value is null with a problem, never a figure (constructed edit of a real tree)', async () => {
    const dir = copy('cgroupv2_docker2');
    const scope = join(dir, 'sys/fs/cgroup/user.slice/user-1000.slice/session-520.scope');
    writeFileSync(join(scope, 'cpu.max'), '-50000 100000\n');
    writeFileSync(join(scope, 'cpu.stat'), 'usage_usec -5\nnr_periods 10\nnr_throttled 1\n');
    writeFileSync(
      join(scope, 'io.stat'),
      '8:0 rbytes=4096 wbytes=-123456789 rios=1 wios=2.5 dbytes=0 dios=0\n',
    );
    writeFileSync(join(scope, 'memory.stat'), 'anon 1\ninactive_file -1\n');
    const [r] = await createCgroupContainerCollector({
      reader: createFileReader({ root: dir, keepOpen: false }),
      clock,
      hostCpuCount: 2,
      cgroupPaths: ['/user.slice/user-1000.slice/session-*.scope'],
    }).collect({ signal });
    expect(r).toMatchObject({
      cpuSeconds: null,
      cpuLimitCores: null,
      cpuPeriods: 10,
      blockReadBytes: 4096,
      blockWriteBytes: null,
      blockReadOps: 1,
      blockWriteOps: null,
      memoryUsage: 10498404352,
      memoryWorkingSet: null,
    });
    const messages = (r?.problems ?? []).map((p) => `${p.source}: ${p.message}`).join('\n');
    expect(messages).toMatch(/cpu\.stat: usage_usec.*-5/);
    expect(messages).toMatch(/cpu\.max: .*quota/);
    expect(messages).toMatch(/io\.stat: wbytes/);
    expect(messages).toMatch(/io\.stat: wios/);
    expect(messages).toMatch(/memory\.stat.*inactive_file/);
  });

  it('host CPUs and memory read from the tree only when they are counts (constructed files beside a real tree)', async () => {
    const dir = copy('cgroupv1_k8s_containerd_amzn2');
    mkdirSync(join(dir, 'sys/devices/system/cpu'), { recursive: true });
    mkdirSync(join(dir, 'proc'), { recursive: true });
    const read = async (online: string, meminfo: string) => {
      writeFileSync(join(dir, 'sys/devices/system/cpu/online'), online);
      writeFileSync(join(dir, 'proc/meminfo'), meminfo);
      const [r] = await createCgroupContainerCollector({
        reader: createFileReader({ root: dir, keepOpen: false }),
        clock,
      }).collect({ signal });
      return [r?.hostCpuCount, r?.hostMemoryTotal];
    };
    expect(await read('0-3,6\n', 'MemTotal: 1000 kB\n')).toEqual([5, 1024000]);
    // A fractional or reversed range is no CPU list: the machine's own count stands in.
    expect(await read('0-1.5\n', 'MemTotal: 99999999999999999999 kB\n')).toEqual([
      availableParallelism(),
      null,
    ]);
    expect((await read('3-1\n', 'MemTotal: 1 kB\n'))[0]).toBe(availableParallelism());
  });

  it('network from /proc/<pid>/net/dev; a cached process that exits is replaced by another of the cgroup (constructed placement of real net/dev captures)', async () => {
    const dir = copy('cgroupv1_k8s_containerd_amzn2');
    const netDev = (name: string) => readFileSync(join(fixtures, 'net_dev', name), 'utf8');
    for (const [pid, name] of [
      ['493187', 'jc_net_dev'],
      ['493199', 'procfs_net_dev'],
    ] as const) {
      mkdirSync(join(dir, 'proc', pid, 'net'), { recursive: true });
      writeFileSync(join(dir, 'proc', pid, 'net/dev'), netDev(name));
    }
    let now = 0;
    const c = createCgroupContainerCollector({
      reader: createFileReader({ root: dir, keepOpen: false }),
      clock: () => {
        now += 1000;
        return { monotonicMs: now, time: now };
      },
      hostCpuCount: 2,
    });
    const [first] = await c.collect({ signal });
    expect(first?.interfaces?.map((i) => [i.name, i.countedInTotal])).toEqual([
      ['lo', false],
      ['ens33', true],
    ]);
    // The first process exits (its /proc entry goes, cgroup.procs drops it) while limits are cached.
    rmSync(join(dir, 'proc/493187'), { recursive: true });
    for (const ctrl of ['memory', 'cpu,cpuacct', 'pids', 'blkio']) {
      const procs = join(
        dir,
        'sys/fs/cgroup',
        ctrl,
        k8sPath.slice('sys/fs/cgroup/memory/'.length),
        'cgroup.procs',
      );
      writeFileSync(procs, readFileSync(procs, 'utf8').replace('493187\n', ''));
    }
    const [second] = await c.collect({ signal });
    expect(second?.interfaces?.map((i) => i.name)).toEqual([
      'vethf345468',
      'lo',
      'docker0',
      'eth0',
    ]);
    expect(second?.problems.some((p) => p.source.includes('net/dev'))).toBe(false);
    const m = computeContainerMetrics(first ?? null, second as NonNullable<typeof second>);
    // Different interfaces in the two readings: no rate is made up across them.
    expect(m.netRxBps).toBeNull();
  });

  it('a missing controller is named, never filled with host numbers', async () => {
    const dir = copy('cgroupv1_k8s_containerd_amzn2');
    rmSync(join(dir, k8sPath), { recursive: true });
    const [r] = await createCgroupContainerCollector({
      reader: createFileReader({ root: dir, keepOpen: false }),
      clock,
      hostCpuCount: 2,
    }).collect({
      signal,
    });
    expect(r?.memoryUsage).toBeNull();
    expect(r?.problems.find((p) => p.source === 'memory')?.message).toMatch(/no memory controller/);
    expect(r?.cpuSeconds).toBe(124659.500367);
  });

  it('a container whose process has no readable /proc/<pid>/net/dev gets no network and a problem', async () => {
    const [r] = await collector('cgroupv1_k8s_containerd_amzn2').collect({ signal });
    expect(r?.interfaces).toBeNull();
    expect(r?.problems.some((p) => /proc\/\d+\/net\/dev/.test(p.source))).toBe(true);
  });
});
