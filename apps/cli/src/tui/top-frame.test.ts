import type { GpuMetrics, LifecycleEvent } from '@arcbox/perf-core';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import {
  constructedContainer,
  constructedFilesystem,
  constructedSystem,
  constructedVm,
} from '../test-support/constructed-metrics.js';
import { createSystemHistory, pushSystemHistory } from './system-history.js';
import { renderTopFrame, type TopView } from './top-frame.js';
import { initialTopState } from './top-state.js';

const plain = createColors(false);
const mib = 1024 * 1024;

function view(overrides: Partial<TopView> = {}): TopView {
  const system = constructedSystem();
  const history = createSystemHistory();
  for (let i = 0; i < 5; i += 1)
    pushSystemHistory(history, constructedSystem({ cpuPercent: i * 20 }));
  return {
    sample: {
      system,
      containers: [
        constructedContainer({
          id: 'a'.repeat(64),
          name: 'busy',
          cpuPercent: 150,
          memoryUsed: 10 * mib,
        }),
        constructedContainer({
          id: 'b'.repeat(64),
          name: 'fat',
          cpuPercent: 1,
          memoryUsed: 900 * mib,
        }),
        constructedContainer({
          id: 'c'.repeat(64),
          name: 'new',
          cpuPercent: null,
          memoryUsed: null,
        }),
      ],
      vms: [],
      collectors: [],
    },
    history,
    alerts: [],
    state: initialTopState,
    ...overrides,
  };
}
const rowIndex = (lines: string[], name: string) =>
  lines.findIndex((l) => l.startsWith(`${name} `));

describe('renderTopFrame', () => {
  it('fills exactly the terminal: height lines of width cells', () => {
    for (const [width, height] of [
      [160, 40],
      [80, 24],
      [40, 10],
    ] as const) {
      const lines = renderTopFrame(view(), { width, height }, plain);
      expect(lines).toHaveLength(height);
      for (const line of lines) expect([...line].length).toBe(width);
    }
  });

  it('shows the CPU line with its breakdown, memory, disk and network', () => {
    const lines = renderTopFrame(view(), { width: 160, height: 40 }, plain);
    const text = lines.join('\n');
    expect(text).toMatch(/^CPU +42\.5 % +usr 30\.0 % +sys 10\.0 % +iowait 2\.0 % +steal 0\.5 %/m);
    expect(text).toMatch(/cpu0 +█{8}░{2} +80\.0 %/);
    expect(text).toMatch(/^MEM +2\.0 GiB \/ 8\.0 GiB 25\.0 %/m);
    expect(text).toMatch(/^DISK read +1\.0 KiB\/s +write +2\.0 KiB\/s/m);
    expect(text).toMatch(/^NET +rx +100 B\/s +tx +200 B\/s/m);
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]{5}/); // the CPU sparkline of the five samples
  });

  it('sorts containers by the chosen key, unknown figures last', () => {
    const byCpu = renderTopFrame(view(), { width: 160, height: 40 }, plain);
    expect(rowIndex(byCpu, 'busy')).toBeLessThan(rowIndex(byCpu, 'fat'));
    expect(rowIndex(byCpu, 'fat')).toBeLessThan(rowIndex(byCpu, 'new'));
    const byMemory = renderTopFrame(
      view({ state: { ...initialTopState, sort: 'memory' } }),
      { width: 160, height: 40 },
      plain,
    );
    expect(rowIndex(byMemory, 'fat')).toBeLessThan(rowIndex(byMemory, 'busy'));
    expect(byMemory.join('\n')).toContain('sorted by memory');
  });

  it('filters by name or id and says how many are shown', () => {
    const lines = renderTopFrame(
      view({ state: { ...initialTopState, filter: 'FA' } }),
      { width: 160, height: 40 },
      plain,
    );
    expect(rowIndex(lines, 'fat')).toBeGreaterThan(0);
    expect(rowIndex(lines, 'busy')).toBe(-1);
    expect(lines.join('\n')).toMatch(/CONTAINERS \(1 of 3\)/);
    expect(lines.at(-1)).toMatch(/^filter: FA/);
  });

  it('highlights a container with a firing alert and lists the alert', () => {
    const colored = createColors(true);
    const lines = renderTopFrame(
      view({
        alerts: [
          {
            name: 'container-cpu',
            severity: 'crit',
            subject: 'busy',
            message: 'cpuPercent 150 > 90',
          },
        ],
      }),
      { width: 160, height: 40 },
      colored,
    );
    expect(lines.find((l) => l.includes('busy') && !l.includes('CRIT'))).toContain('\x1b[31m');
    expect(lines.some((l) => l.includes('CRIT') && l.includes('container-cpu'))).toBe(true);
  });

  it('lists VMs below the containers with per-vCPU figures', () => {
    const base = view();
    const vm = constructedVm({
      id: 'web-vm',
      name: 'web-vm',
      cpuPercent: 75,
      vcpuPercent: [50, 25],
      memoryTotal: 1024 * mib,
    });
    const lines = renderTopFrame(
      { ...base, sample: { ...base.sample!, vms: [vm] } },
      { width: 160, height: 40 },
      plain,
    );
    const header = lines.findIndex((l) => l.startsWith('VMS (1)'));
    expect(header).toBeGreaterThan(rowIndex(lines, 'new'));
    expect(lines[header + 2]).toMatch(/^web-vm +qemu +4242 +75\.0 % +50 25 /);
  });

  it('scrolls the container table, never past its last row', () => {
    const base = view();
    const containers = Array.from({ length: 40 }, (_, i) =>
      constructedContainer({
        id: `id-${i}`,
        name: `c${String(i).padStart(2, '0')}`,
        cpuPercent: 100 - i,
      }),
    );
    const sample = { ...base.sample!, containers };
    const at = (scroll: number) =>
      renderTopFrame(
        { ...base, sample, state: { ...initialTopState, scroll } },
        { width: 120, height: 30 },
        plain,
      );
    const firstRow = (lines: string[]) => lines.find((l) => /^c\d\d /.test(l))?.slice(0, 3);
    expect(firstRow(at(0))).toBe('c00');
    expect(firstRow(at(5))).toBe('c05');
    expect(at(5).join('\n')).toMatch(/rows 6-/);
    // Far past the end: the last page stays on screen.
    const end = at(1000);
    expect(end.some((l) => l.startsWith('c39 '))).toBe(true);
    expect(firstRow(end)).not.toBe('c00');
  });

  it('says which source failed this round', () => {
    const base = view();
    const sample = {
      ...base.sample!,
      collectors: [
        { name: 'system', ok: true, durationMs: 1 },
        {
          name: 'vms',
          ok: false,
          durationMs: 5000,
          error: 'collector vms timed out after 5000 ms',
        },
      ],
    };
    const lines = renderTopFrame({ ...base, sample }, { width: 120, height: 30 }, plain);
    expect(lines.filter((l) => l.startsWith('vms: collector vms timed out'))).toHaveLength(1);
    expect(lines.some((l) => l.startsWith('system:'))).toBe(false);
  });

  it('renders before the first sample without numbers', () => {
    const lines = renderTopFrame(view({ sample: null }), { width: 100, height: 20 }, plain);
    expect(lines.join('\n')).toMatch(/^CPU +- +usr -/m);
  });

  it('an 80-column terminal keeps MEM %, NET, BLOCK, PIDS and the sparklines', () => {
    const base = view();
    const busy = constructedContainer({
      id: 'a'.repeat(64),
      name: 'busy',
      cpuPercent: 150,
      cpuPercentOfLimit: 75,
      memoryUsed: 10 * mib,
      memoryLimit: 512 * mib,
      memoryPercent: 1.9,
      netRxBps: 2048,
      netTxBps: 1024,
      blockReadBps: 4096,
      blockWriteBps: 0,
      pids: 12,
      pidsLimit: 100,
    });
    const lines = renderTopFrame(
      { ...base, sample: { ...base.sample!, containers: [busy] } },
      { width: 80, height: 24 },
      plain,
    );
    for (const line of lines) expect([...line].length).toBe(80);
    const header = lines.find((l) => l.startsWith('NAME '));
    for (const column of ['CPU %', 'MEM %', 'NET', 'BLOCK', 'PIDS'])
      expect(header).toContain(column);
    const row = lines.find((l) => l.startsWith('busy '));
    expect(row).toMatch(/150\.0 %/);
    expect(row).toMatch(/2\.0K\/1\.0K/);
    expect(row).toMatch(/12\/100/);
    // The four summary lines keep their sparkline column on the right.
    for (const label of ['CPU ', 'MEM ', 'DISK', 'NET '])
      expect(lines.find((l) => l.startsWith(label))).toMatch(/[▁▂▃▄▅▆▇█] *$/);
  });

  it('shortens long names with an ellipsis and shows a plain cgroup by its own path', () => {
    const base = view();
    const long = 'a-container-whose-name-goes-on-and-on-for-far-too-long';
    const containers = [
      constructedContainer({ id: 'f'.repeat(64), name: long, cpuPercent: 5 }),
      ...['worker-1', 'worker-2'].map((w) =>
        constructedContainer({
          id: `/process_api/${w}`,
          cgroupPath: `/process_api/${w}`,
          runtime: 'cgroup',
          name: w,
          cpuPercent: 1,
        }),
      ),
    ];
    const narrow = renderTopFrame(
      { ...base, sample: { ...base.sample!, containers } },
      { width: 80, height: 24 },
      plain,
    );
    const row = narrow.find((l) => l.startsWith('a-container'));
    expect(row).toMatch(/^a-container\S*… /);
    expect(row).not.toContain(long);
    const wide = renderTopFrame(
      { ...base, sample: { ...base.sample!, containers } },
      { width: 200, height: 30 },
      plain,
    );
    expect(wide.find((l) => l.startsWith('worker-1 '))).toMatch(
      / \/process_api\/worker-1 +cgroup /,
    );
    expect(wide.find((l) => l.startsWith('worker-2 '))).toMatch(
      / \/process_api\/worker-2 +cgroup /,
    );
  });

  it('marks the sort column and its direction; ascending puts the smallest first', () => {
    const down = renderTopFrame(view(), { width: 160, height: 40 }, plain);
    expect(down.find((l) => l.startsWith('NAME '))).toMatch(/CPU %▼/);
    expect(down.join('\n')).toMatch(/sorted by CPU ▼/);
    const up = renderTopFrame(
      view({ state: { ...initialTopState, descending: false } }),
      { width: 160, height: 40 },
      plain,
    );
    expect(up.find((l) => l.startsWith('NAME '))).toMatch(/CPU %▲/);
    expect(rowIndex(up, 'fat')).toBeLessThan(rowIndex(up, 'busy'));
    // Not known yet stays last either way.
    expect(rowIndex(up, 'busy')).toBeLessThan(rowIndex(up, 'new'));
  });

  it('shows the help instead of the tables, and says when it is paused', () => {
    const help = renderTopFrame(
      view({ state: { ...initialTopState, help: true } }),
      { width: 100, height: 30 },
      plain,
    );
    expect(help.join('\n')).toMatch(/space +pause and resume/);
    expect(rowIndex(help, 'busy')).toBe(-1);
    const paused = renderTopFrame(
      view({ state: { ...initialTopState, paused: true, intervalMs: 2000 } }),
      { width: 100, height: 30 },
      plain,
    );
    expect(paused[0]).toMatch(/every 2\.0 s +PAUSED/);
  });

  it('lists the fullest filesystems below the containers when there is room', () => {
    const base = view();
    const filesystems = [
      constructedFilesystem({ mountPoint: '/', usedPercent: 42.1 }),
      constructedFilesystem({ mountPoint: '/data', usedPercent: 93.5, readOnly: true }),
    ];
    const lines = renderTopFrame(
      { ...base, sample: { ...base.sample!, filesystems } },
      { width: 120, height: 40 },
      plain,
    );
    const heading = lines.findIndex((l) => l.startsWith('FILESYSTEMS (2)'));
    expect(heading).toBeGreaterThan(rowIndex(lines, 'new'));
    expect(lines[heading + 1]).toMatch(/^MOUNT +TYPE +SIZE +USED +AVAIL +USE % +RO/);
    expect(lines[heading + 2]).toMatch(
      /^\/data +ext4 +100\.0 GiB +40\.0 GiB +55\.0 GiB +93\.5 % +ro/,
    );
    expect(lines[heading + 3]).toMatch(/^\/ +ext4 /);
  });
});

describe('the processes pane (p)', () => {
  const proc = (
    pid: number,
    comm: string,
    cpuPercent: number | null,
    rss: number,
    container: string | null,
  ) =>
    ({
      id: `${pid}@1`,
      name: comm,
      labels: {},
      timestamp: 0,
      monotonicMs: 0,
      intervalMs: 1000,
      pid,
      ppid: 1,
      startTime: 1,
      comm,
      command: `${comm} --serve`,
      user: 'root',
      uid: 0,
      state: 'R',
      container,
      kernelThread: false,
      cpuPercent,
      cpuPercentOfHost: null,
      cpuSeconds: 1,
      cpuUserSeconds: null,
      cpuSystemSeconds: null,
      residentBytes: rss,
      swapBytes: null,
      threads: 1,
      ioReadBytes: null,
      ioWriteBytes: null,
      ioReadBps: null,
      ioWriteBps: null,
    }) as const;

  it('shows the kept processes instead of the containers, sorted with the same keys', () => {
    const base = view();
    const processes = [
      proc(10, 'java', 150, 2 ** 30, 'abcdef0123456789'),
      proc(11, 'nginx', 3, 2 ** 33, null),
      proc(12, 'fresh', null, 1, null),
    ];
    const sample = { ...base.sample!, processes };
    const byCpu = renderTopFrame(
      { ...base, sample, state: { ...initialTopState, processes: true } },
      { width: 140, height: 40 },
      plain,
    );
    const heading = byCpu.findIndex((l) => l.startsWith('PROCESSES (3 kept)'));
    expect(heading).toBeGreaterThan(0);
    expect(byCpu[heading + 1]).toMatch(/PID +USER +CPU%/);
    expect(byCpu[heading + 2]).toMatch(/^ *10 .*java/);
    expect(byCpu[heading + 2]).toContain('abcdef012345');
    expect(byCpu[heading + 4]).toMatch(/fresh/);
    expect(byCpu.some((l) => l.startsWith('CONTAINERS'))).toBe(false);
    const byMem = renderTopFrame(
      { ...base, sample, state: { ...initialTopState, processes: true, sort: 'memory' } },
      { width: 140, height: 40 },
      plain,
    );
    expect(byMem[byMem.findIndex((l) => l.startsWith('PROCESSES')) + 2]).toMatch(/nginx/);
    const filtered = renderTopFrame(
      { ...base, sample, state: { ...initialTopState, processes: true, filter: 'abcdef' } },
      { width: 140, height: 40 },
      plain,
    );
    expect(filtered.some((l) => l.startsWith('PROCESSES (1 of 3 kept)'))).toBe(true);
  });

  it('Enter: every process of the focused container, not the kept top N', () => {
    const base = view();
    const kept = [proc(10, 'java', 150, 2 ** 30, 'a'.repeat(64))];
    const focused = [
      proc(10, 'java', 150, 2 ** 30, 'a'.repeat(64)),
      proc(20, 'sidecar', 0.5, 2 ** 20, 'a'.repeat(64)),
    ];
    const state = {
      ...initialTopState,
      processes: true,
      focus: { id: 'a'.repeat(64), name: 'busy', filter: '' },
    };
    const lines = renderTopFrame(
      { ...base, sample: { ...base.sample!, processes: kept }, state, focused },
      { width: 140, height: 40 },
      plain,
    );
    const heading = lines.findIndex((l) => l.startsWith('PROCESSES of busy (2)'));
    expect(heading).toBeGreaterThan(0);
    expect(lines[heading + 2]).toMatch(/java/);
    expect(lines[heading + 3]).toMatch(/sidecar/);
    expect(lines.at(-1)).toMatch(/^processes of busy {2}esc back/);
  });
});

describe('the cursor', () => {
  it('marks the container row Enter opens: the row at scroll, in the sorted order', () => {
    const ansi = createColors(true);
    const marked = (scroll: number) =>
      renderTopFrame(
        { ...view(), state: { ...initialTopState, scroll } },
        { width: 140, height: 40 },
        ansi,
      ).filter((l) => /^\x1b\[7m(busy|fat|new) /.test(l));
    expect(marked(0)).toHaveLength(1);
    expect(marked(0)[0]).toMatch(/busy/);
    expect(marked(1)[0]).toMatch(/fat/);
    // Past the end: the last row.
    expect(marked(9)[0]).toMatch(/new/);
  });
});

describe('GPUs', () => {
  const gpu = (overrides: Partial<GpuMetrics>): GpuMetrics => ({
    id: 'GPU-9a9a6c50',
    name: 'NVIDIA A10G',
    labels: {},
    timestamp: 0,
    monotonicMs: 0,
    vendor: 'nvidia',
    index: 0,
    uuid: 'GPU-9a9a6c50',
    parentId: null,
    utilizationPercent: 7,
    memoryUtilizationPercent: 1,
    memoryUsedBytes: 22 * mib,
    memoryTotalBytes: 23028 * mib,
    memoryUsedPercent: (22 / 23028) * 100,
    powerWatts: 25.58,
    powerLimitWatts: 300,
    temperatureCelsius: 17,
    slowdownTemperatureCelsius: null,
    slowdownMarginCelsius: null,
    smClockHz: null,
    memoryClockHz: null,
    fanPercent: null,
    performanceState: 8,
    throttleReasons: ['gpu_idle'],
    eccCorrectedErrors: null,
    eccUncorrectedErrors: null,
    encoderPercent: null,
    decoderPercent: null,
    rendererPercent: null,
    tilerPercent: null,
    memoryAllocatedBytes: null,
    processMemoryBytes: null,
    processes: [],
    ...overrides,
  });

  it('one line per whole device under the host lines; MIG instances are part of theirs', () => {
    const base = view();
    const gpus = [
      gpu({}),
      gpu({ id: 'GPU-9a9a6c50/mig1.0', parentId: 'GPU-9a9a6c50', index: null }),
      gpu({ id: 'GPU-2', index: 1, utilizationPercent: 99, throttleReasons: ['sw_thermal'] }),
    ];
    const lines = renderTopFrame(
      { ...base, sample: { ...base.sample!, gpus } },
      { width: 160, height: 40 },
      plain,
    );
    const shown = lines.filter((l) => /^GPU\d/.test(l));
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatch(/^GPU0 +7\.0 % +mem 22(\.0)? MiB \/ 22\.5 GiB/);
    expect(shown[0]).toMatch(/17 °C +26 W \/ 300 W +NVIDIA A10G/);
    expect(shown[1]).toMatch(/^GPU1 +99\.0 %.*throttled: sw_thermal/);
    expect(lines.findIndex((l) => l.startsWith('GPU0'))).toBeGreaterThan(
      lines.findIndex((l) => l.startsWith('NET')),
    );
    // Narrow: the figures stay, the name goes first.
    const narrow = renderTopFrame(
      { ...base, sample: { ...base.sample!, gpus: [gpus[0]!] } },
      { width: 60, height: 30 },
      plain,
    ).find((l) => l.startsWith('GPU0'));
    expect(narrow).toMatch(/7\.0 % +mem /);
    expect(narrow).not.toMatch(/A10G/);
  });
});

describe('lifecycle events', () => {
  it('lists the newest three under the host lines, OOM kills marked, with their age', () => {
    const base = view();
    const now = base.sample!.system!.timestamp;
    const event = (name: string, type: LifecycleEvent['type'], ago: number) => ({
      time: now - ago,
      type,
      kind: 'container',
      id: `${name}-id`,
      name,
      source: 'counter' as const,
      count: 1,
      memoryLimit: type === 'oom-kill' ? 96 * mib : null,
      exitCode: null,
    });
    // Oldest first, as the monitor gives them.
    const events = [
      event('old', 'restart', 300_000),
      event('web', 'restart', 120_000),
      event('batch', 'oom-kill', 30_000),
      event('api', 'restart', 5_000),
    ];
    const lines = renderTopFrame({ ...base, events }, { width: 120, height: 40 }, plain);
    const shown = lines.filter((l) => /^ (OOM|EVENT) /.test(l));
    expect(shown).toEqual([
      expect.stringMatching(/^ EVENT +api restarted +5 s ago/),
      expect.stringMatching(/^ OOM +batch OOM-killed, limit 96(\.0)? MiB +30 s ago/),
      expect.stringMatching(/^ EVENT +web restarted +2 min ago/),
    ]);
  });
});
