import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import type { HostThreadReader } from './host-readers.js';
import { namedVcpus } from './named-vcpus.js';

describe('namedVcpus', () => {
  it('gives a vCPU whose stat is unreadable no figure, and keeps the others', () => {
    const threads: HostThreadReader = {
      listThreads: () => [
        { tid: 11, name: 'vcpu0' },
        { tid: 12, name: 'vcpu1' },
        { tid: 13, name: 'http-server' },
      ],
      threadCpuSeconds: (_pid, tid) => {
        if (tid === 12) throw new PerfError('PARSE_ERROR', 'utime "-5" is not a counter');
        return 4.5;
      },
      processCpuSeconds: () => 9,
    };
    expect(namedVcpus(threads, 100, /^vcpu(\d+)$/)).toEqual([
      { index: 0, threadId: 11, cpuSeconds: 4.5 },
      { index: 1, threadId: 12, cpuSeconds: null },
    ]);
  });
});
