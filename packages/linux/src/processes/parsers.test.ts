import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createContainerOfCgroup } from './container-of-cgroup.js';
import { parsePasswd } from './parse-passwd.js';
import { containerCgroupPath, parseProcessCgroup } from './parse-process-cgroup.js';
import { parseProcessIo } from './parse-process-io.js';
import { parseProcessStat } from './parse-process-stat.js';
import { parseProcessStatus } from './parse-process-status.js';

const ID = 'a'.repeat(64);

describe('process file parsers', () => {
  it('stat: a command name with spaces and parentheses, fields counted after the last )', () => {
    const text =
      '4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 3 0 987654 1000 200 18446744073709551615\n';
    expect(parseProcessStat(text)).toEqual({
      comm: 'my (odd) cmd',
      state: 'S',
      ppid: 1,
      utime: 250,
      stime: 50,
      threads: 3,
      startTime: 987654,
      rssPages: 200,
    });
  });

  it('stat it cannot read is a PARSE_ERROR naming the field', () => {
    expect(() => parseProcessStat('garbage')).toThrow(PerfError);
    const e = (() => {
      try {
        parseProcessStat('1 (x) S 0 1 1 0 -1 0 0 0 0 0 nope 1');
      } catch (error) {
        return error as PerfError;
      }
    })();
    expect(e?.code).toBe('PARSE_ERROR');
    expect(e?.field).toBe('utime');
  });

  it('status: uid, VmRSS and VmSwap in bytes; missing lines are null', () => {
    const text =
      'Name:\tbash\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t    4096 kB\nVmSwap:\t      12 kB\n';
    expect(parseProcessStatus(text)).toEqual({
      uid: 1000,
      residentBytes: 4096 * 1024,
      swapBytes: 12 * 1024,
    });
    expect(parseProcessStatus('Name:\tkthreadd\nUid:\t0\t0\t0\t0\n')).toEqual({
      uid: 0,
      residentBytes: null,
      swapBytes: null,
    });
  });

  it('io: read_bytes and write_bytes (not rchar/wchar); odd values are null', () => {
    const text =
      'rchar: 10\nwchar: 20\nsyscr: 1\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 67108864\ncancelled_write_bytes: 0\n';
    expect(parseProcessIo(text)).toEqual({ readBytes: 4096, writeBytes: 67108864 });
    expect(parseProcessIo('read_bytes: x\n')).toEqual({ readBytes: null, writeBytes: null });
  });

  it('cgroup: v1 memory line first, then cpu,cpuacct, then the v2 line', () => {
    const hybrid = `12:pids:/docker/${ID}\n5:memory:/docker/${ID}\n3:cpu,cpuacct:/docker/${ID}\n1:name=systemd:/system.slice/x\n0::/system.slice/x\n`;
    expect(containerCgroupPath(parseProcessCgroup(hybrid))).toBe(`/docker/${ID}`);
    const v2 = `0::/system.slice/docker-${ID}.scope\n`;
    expect(containerCgroupPath(parseProcessCgroup(v2))).toBe(`/system.slice/docker-${ID}.scope`);
    expect(parseProcessCgroup('junk\n\n')).toEqual({ unified: null, memory: null, cpu: null });
  });

  it('passwd: first name per uid, odd lines skipped', () => {
    const users = parsePasswd(
      'root:x:0:0::/root:/bin/sh\n# comment\n+nis\nbad:x:zz:0\nalias:x:0:0\napp:x:1000:1000::/:/bin/sh\n',
    );
    expect([...users]).toEqual([
      [0, 'root'],
      [1000, 'app'],
    ]);
  });

  it('container of a cgroup: known paths (longest prefix) first, then the runtimes’ layouts', () => {
    const of = createContainerOfCgroup([
      { id: '/mygroup', path: '/mygroup' },
      { id: '/mygroup/inner', path: '/mygroup/inner/' },
    ]);
    expect(of('/mygroup/inner/leaf')).toBe('/mygroup/inner');
    expect(of('/mygroup/other')).toBe('/mygroup');
    expect(of(`/docker/${ID}`)).toBe(ID);
    expect(of(`/docker/${ID}/sub`)).toBe(ID);
    expect(of(`/kubepods.slice/kubepods-pod1.slice/cri-containerd-${ID}.scope`)).toBe(ID);
    expect(of('/user.slice/user-0.slice/session-1.scope')).toBeNull();
    expect(of(null)).toBeNull();
    const generation = of.generation;
    of.update([
      { id: '/mygroup', path: '/mygroup' },
      { id: '/mygroup/inner', path: '/mygroup/inner' },
    ]);
    expect(of.generation).toBe(generation);
    of.update([]);
    expect(of.generation).toBe(generation + 1);
    expect(of('/mygroup/other')).toBeNull();
  });
});
