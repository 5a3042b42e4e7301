import {
  computeGpuMetrics,
  emptyGpuReading,
  computeFilesystemMetrics,
  computeProcessMetrics,
  createKindRegistry,
  defaultKinds,
  field,
  type KindDescriptor,
} from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { formatMetrics } from './export-snapshot.js';
import { formatCsv, kindCsvColumns } from './format-csv.js';
import { formatJson } from './format-json.js';

const root = computeFilesystemMetrics(null, {
  monotonicMs: 1,
  time: Date.UTC(2026, 11, 5),
  mountPoint: '/',
  device: '/dev/vda1',
  fsType: 'ext4',
  readOnly: false,
  sizeBytes: 100 * 4096,
  freeBytes: 30 * 4096,
  availableBytes: 25 * 4096,
  inodesTotal: 1000,
  inodesFree: 400,
  sharedSpace: null,
  problems: [],
});

describe('every kind in the exports', () => {
  it('exports filesystems under node_exporter-like names and labels', () => {
    const text = formatMetrics({ filesystems: [root] });
    expect(text).toContain(
      'arcbox_perf_filesystem_avail_bytes{device="/dev/vda1",fstype="ext4",mountpoint="/"} 102400',
    );
    expect(text).toContain(
      'arcbox_perf_filesystem_readonly{device="/dev/vda1",fstype="ext4",mountpoint="/"} 0',
    );
    expect(text).toMatch(/# TYPE arcbox_perf_filesystem_files_free gauge/);
  });

  it('exports processes as counters and gauges labelled {pid, comm, container}; io absent when unreadable', () => {
    const base = {
      ppid: 1,
      command: null,
      uid: 0,
      user: 'root',
      state: 'R',
      threads: 4,
      cpuUserSeconds: 10,
      cpuSystemSeconds: 2.5,
      cpuSeconds: 12.5,
      residentBytes: 256 * 2 ** 20,
      swapBytes: 0,
      kernelThread: false,
      hostCpuCount: 2,
      monotonicMs: 1,
      time: Date.UTC(2026, 11, 5),
    };
    const java = computeProcessMetrics(null, {
      ...base,
      pid: 42,
      startTime: 7,
      comm: 'java',
      ioReadBytes: 4096,
      ioWriteBytes: 8192,
      container: 'abc123',
    });
    const other = computeProcessMetrics(null, {
      ...base,
      pid: 43,
      startTime: 8,
      comm: 'sshd',
      ioReadBytes: null,
      ioWriteBytes: null,
      container: null,
    });
    const text = formatMetrics({ processes: [java, other] });
    expect(text).toMatch(/# TYPE arcbox_perf_process_cpu_seconds_total counter/);
    expect(text).toContain(
      'arcbox_perf_process_cpu_seconds_total{pid="42",comm="java",container="abc123"} 12.5',
    );
    expect(text).toContain(
      'arcbox_perf_process_resident_memory_bytes{pid="43",comm="sshd",container=""} 268435456',
    );
    expect(text).toContain(
      'arcbox_perf_process_io_write_bytes_total{pid="42",comm="java",container="abc123"} 8192',
    );
    expect(text).not.toContain('arcbox_perf_process_io_write_bytes_total{pid="43"');
  });

  it('exports a kind without an exporter as one gauge per stored field, in base units', () => {
    interface Gpu {
      id: string;
      name: string;
      utilization: number | null;
      memoryUsed: number | null;
    }
    const npuKind: KindDescriptor<Gpu, Gpu> = {
      name: 'npu',
      sampleKey: 'npus',
      title: 'GPUs',
      singleton: false,
      keyOf: (r) => r.id,
      compute: (_p, c) => c,
      identity: (m) => ({ id: m.id, name: m.name, labels: {}, timestamp: 0, monotonicMs: 0 }),
      fields: [
        field<Gpu>('utilization', 'percent', 'GPU busy.'),
        field<Gpu>('memoryUsed', 'bytes', 'GPU memory in use.'),
      ],
      facts: {},
      defaultRules: [],
    };
    const kinds = createKindRegistry([...defaultKinds(), npuKind]);
    const gpu = { id: '0', name: 'NPU', utilization: 50, memoryUsed: 2 ** 30 };
    const text = formatMetrics({ npus: [gpu] }, 'prometheus', { kinds });
    expect(text).toContain('arcbox_perf_npu_utilization_ratio{id="0",name="NPU"} 0.5');
    expect(text).toContain('arcbox_perf_npu_memory_used_bytes{id="0",name="NPU"} 1073741824');
    const json = JSON.parse(formatJson({ npus: [gpu] }, { kinds }));
    expect(Object.keys(json)).toEqual([
      'system',
      'containers',
      'vms',
      'filesystems',
      'processes',
      'gpus',
      'npus',
      'collectors',
    ]);
    expect(formatCsv([gpu], kindCsvColumns(npuKind)).split('\r\n')[0]).toBe(
      'time,id,name,utilization,memoryUsed',
    );
  });

  it('exports GPUs in base units with dcgm-exporter peers; N/A figures are absent, not 0', () => {
    const a10g = computeGpuMetrics(
      null,
      emptyGpuReading({
        id: 'GPU-9a9a',
        uuid: 'GPU-9a9a',
        index: 0,
        vendor: 'nvidia',
        name: 'NVIDIA A10G',
        monotonicMs: 1,
        time: Date.UTC(2026, 11, 5),
        utilizationPercent: 65,
        memoryUsedBytes: 22 * 2 ** 20,
        smClockHz: 210e6,
        eccCorrectedErrors: 3,
        processes: [{ pid: 725, usedMemoryBytes: 22 * 2 ** 20, container: 'abc' }],
      }),
    );
    const text = formatMetrics({ gpus: [a10g] });
    const labels = 'gpu="0",uuid="GPU-9a9a",name="NVIDIA A10G",parent=""';
    expect(text).toContain(`arcbox_perf_gpu_utilization_ratio{${labels}} 0.65`);
    expect(text).toContain(`arcbox_perf_gpu_memory_used_bytes{${labels}} 23068672`);
    expect(text).toContain(`arcbox_perf_gpu_sm_clock_hertz{${labels}} 210000000`);
    expect(text).toMatch(/# TYPE arcbox_perf_gpu_ecc_corrected_errors_total counter/);
    expect(text).toContain(`arcbox_perf_gpu_ecc_corrected_errors_total{${labels}} 3`);
    expect(text).not.toContain('arcbox_perf_gpu_fan_speed_ratio{');
    expect(text).not.toContain('arcbox_perf_gpu_power_watts{');
    expect(text).toContain(
      'arcbox_perf_gpu_process_memory_used_bytes{uuid="GPU-9a9a",pid="725",container="abc"} 23068672',
    );
  });
});
