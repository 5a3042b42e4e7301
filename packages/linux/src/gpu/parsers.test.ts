import { readFileSync } from 'node:fs';
import { emptyGpuReading, PerfError } from '@arcbox/perf-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nvidiaNumber } from './nvidia-value.js';
import {
  csvNumber,
  parseComputeApps,
  parseQueryGpuColumns,
  parseQueryGpuLine,
  throttleReasons,
} from './parse-nvidia-csv.js';
import { parseNvidiaSmiXml } from './parse-nvidia-smi-xml.js';
import { parseXml } from './parse-xml.js';

const fixture = (name: string) =>
  readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const stamp = { monotonicMs: 1, time: 2 };
const MiB = 1024 * 1024;

// Hand-checked against each file: MiB x 1048576, MHz x 1e6, W, C, "N/A" -> null.
const expected = {
  'a10g.xml': {
    id: 'GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94',
    name: 'NVIDIA A10G',
    index: 0,
    utilizationPercent: 0,
    memoryUtilizationPercent: 0,
    memoryUsedBytes: 22 * MiB,
    memoryTotalBytes: 23028 * MiB,
    powerWatts: 25.58,
    powerLimitWatts: 300,
    temperatureCelsius: 17,
    slowdownTemperatureCelsius: 95,
    smClockHz: 210e6,
    memoryClockHz: 405e6,
    fanPercent: 0,
    performanceState: 8,
    throttleReasons: ['gpu_idle'],
    eccCorrectedErrors: 0,
    eccUncorrectedErrors: 0,
    encoderPercent: 0,
    decoderPercent: 0,
    processes: [[725, 22 * MiB]],
  },
  'tesla-t4.xml': {
    id: 'GPU-d37e67a5-91dd-3774-a5cb-99096249601a',
    name: 'Tesla T4',
    index: 0,
    utilizationPercent: 0,
    memoryUtilizationPercent: 0,
    memoryUsedBytes: 1032 * MiB,
    memoryTotalBytes: 15360 * MiB,
    powerWatts: 26.78,
    powerLimitWatts: 70,
    temperatureCelsius: 40,
    slowdownTemperatureCelsius: 93,
    smClockHz: 585e6,
    memoryClockHz: 5000e6,
    fanPercent: null,
    performanceState: 0,
    throttleReasons: [],
    eccCorrectedErrors: 0,
    eccUncorrectedErrors: 0,
    encoderPercent: 0,
    decoderPercent: 0,
    processes: [
      [675, 22 * MiB],
      [5762, 1005 * MiB],
    ],
  },
  'rtx-3080-v13.xml': {
    id: 'GPU-19d6d965-2acc-f646-00f8-4c76979aabb4',
    name: 'NVIDIA GeForce RTX 3080',
    index: 0,
    utilizationPercent: 65,
    memoryUtilizationPercent: 9,
    memoryUsedBytes: 9184 * MiB,
    memoryTotalBytes: 10240 * MiB,
    powerWatts: 142.33,
    powerLimitWatts: 320,
    temperatureCelsius: 27,
    slowdownTemperatureCelsius: 95,
    smClockHz: 1950e6,
    memoryClockHz: 9251e6,
    fanPercent: 0,
    performanceState: 2,
    throttleReasons: [],
    eccCorrectedErrors: null,
    eccUncorrectedErrors: null,
    encoderPercent: 0,
    decoderPercent: 0,
    processes: [],
  },
  'rtx-4000-sff-ada-v13.xml': {
    id: 'GPU-37037c3f-65c8-ec4d-24a9-420204ad8026',
    name: 'NVIDIA RTX 4000 SFF Ada Generation',
    index: 0,
    utilizationPercent: 0,
    memoryUtilizationPercent: 37,
    memoryUsedBytes: 3534 * MiB,
    memoryTotalBytes: 20475 * MiB,
    powerWatts: 8.44,
    powerLimitWatts: 70,
    // Only T.Limit-relative thresholds in this file: no absolute slowdown temperature.
    temperatureCelsius: 38,
    slowdownTemperatureCelsius: null,
    smClockHz: 210e6,
    memoryClockHz: 405e6,
    fanPercent: 30,
    performanceState: 8,
    throttleReasons: ['gpu_idle'],
    eccCorrectedErrors: null,
    eccUncorrectedErrors: null,
    encoderPercent: 0,
    decoderPercent: 0,
    processes: [
      [1842, 410 * MiB],
      [3190, 451 * MiB],
      [4937, 160 * MiB],
      [34626, 183 * MiB],
    ],
  },
  'a100-sxm4-v12.xml': {
    id: 'GPU-513536b6-7d19-9063-b049-1e69664bb298',
    name: 'NVIDIA A100-SXM4-80GB',
    index: 1,
    utilizationPercent: null,
    memoryUtilizationPercent: null,
    memoryUsedBytes: 50 * MiB,
    memoryTotalBytes: 81920 * MiB,
    powerWatts: 67.03,
    powerLimitWatts: 500,
    temperatureCelsius: 27,
    slowdownTemperatureCelsius: 89,
    smClockHz: 1275e6,
    memoryClockHz: 1593e6,
    fanPercent: null,
    performanceState: 0,
    throttleReasons: [],
    eccCorrectedErrors: 0,
    eccUncorrectedErrors: 0,
    encoderPercent: null,
    decoderPercent: null,
    processes: [],
  },
} as const;

describe('nvidia-smi -q -x (real outputs of five machines)', () => {
  for (const [file, want] of Object.entries(expected)) {
    it(`reads ${file} to exact values`, () => {
      const devices = parseNvidiaSmiXml(fixture(file), stamp);
      const { processes, ...figures } = want;
      const gpu = devices[0]!;
      expect(gpu.reading).toMatchObject({ ...figures, parentId: null, vendor: 'nvidia' });
      expect(gpu.reading.rendererPercent).toBeNull();
      expect(gpu.processes.map((p) => [p.pid, p.usedMemoryBytes])).toEqual(processes);
    });
  }

  it('lists the A100’s four MIG instances under it, memory part of the parent’s', () => {
    const devices = parseNvidiaSmiXml(fixture('a100-sxm4-v12.xml'), stamp);
    const parent = devices[0]!.reading.id;
    expect(devices.map((d) => d.reading.id)).toEqual([
      parent,
      `${parent}/mig3.0`,
      `${parent}/mig4.0`,
      `${parent}/mig5.0`,
      `${parent}/mig6.0`,
    ]);
    for (const [i, mig] of devices.slice(1).entries())
      expect(mig.reading).toMatchObject({
        parentId: parent,
        index: i,
        memoryUsedBytes: 12 * MiB,
        memoryTotalBytes: 19968 * MiB,
        eccCorrectedErrors: null,
        eccUncorrectedErrors: 0,
        utilizationPercent: null,
        temperatureCelsius: null,
      });
  });

  it('throws PARSE_ERROR on a document that is not nvidia-smi’s or breaks a bound', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return PerfError.isInstance(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(code(() => parseNvidiaSmiXml('<other/>', stamp))).toBe('PARSE_ERROR');
    expect(code(() => parseNvidiaSmiXml('<nvidia_smi_log><gpu>', stamp))).toBe('PARSE_ERROR');
    expect(code(() => parseXml('<a>'.repeat(100) + '</a>'.repeat(100)))).toBe('PARSE_ERROR');
    expect(code(() => parseXml('<a/>'.repeat(11), { maxElements: 10 }))).toBe('PARSE_ERROR');
    expect(code(() => parseXml('x'.repeat(101), { maxChars: 100 }))).toBe('PARSE_ERROR');
    expect(parseXml('<a b="&lt;1&#x41;">x &amp; y</a>').children[0]).toMatchObject({
      attrs: { b: '<1A' },
      text: 'x & y',
    });
    // More GPUs than the bound: the rest are dropped, not parsed.
    const many = `<nvidia_smi_log>${'<gpu id="x"><uuid>GPU-1</uuid></gpu>'.repeat(100)}</nvidia_smi_log>`;
    expect(parseNvidiaSmiXml(many, stamp)).toHaveLength(64);
  });
});

describe('nvidia-smi csv (constructed from the A10G and T4 captures)', () => {
  it('reads --query-gpu lines to the same figures as the XML of the same GPUs', () => {
    const lines = fixture('query-gpu-a10g-t4.csv').trim().split('\n');
    const a10g = parseQueryGpuLine(lines[0]!, stamp)!;
    const t4 = parseQueryGpuLine(lines[1]!, stamp)!;
    for (const [reading, file] of [
      [a10g, 'a10g.xml'],
      [t4, 'tesla-t4.xml'],
    ] as const) {
      const {
        processes: _p,
        slowdownTemperatureCelsius: _s,
        index: _i,
        ...figures
      } = expected[file];
      expect(reading).toMatchObject(figures);
      expect(reading.slowdownTemperatureCelsius).toBeNull();
    }
    expect(t4.index).toBe(1);
  });

  it('builds the reading in one literal, the same object the plain emptyGpuReading gives', () => {
    const line = fixture('query-gpu-a10g-t4.csv').trim().split('\n')[1]!;
    const fast = parseQueryGpuLine(line, stamp)!;
    const { monotonicMs, time, id, vendor, name, ...rest } = fast;
    const plain = emptyGpuReading({ monotonicMs, time, id, vendor, name, ...rest });
    expect(fast).toStrictEqual(plain);
    expect(Object.keys(fast).sort()).toEqual(
      Object.keys(
        emptyGpuReading({ monotonicMs: 0, time: 0, id: 'x', vendor: 'nvidia', name: 'x' }),
      ).sort(),
    );
  });

  it('skips lines it cannot read; N/A and Not Supported are null', () => {
    expect(parseQueryGpuLine('0, GPU-x, name', stamp)).toBeNull();
    expect(
      parseQueryGpuLine('0, nope, A, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, P0, 0x0, 0, 0, 0, 0', stamp),
    ).toBeNull();
    expect(parseQueryGpuLine(`0, GPU-a, ${'x'.repeat(5000)}`, stamp)).toBeNull();
    const r = parseQueryGpuLine(
      '3, GPU-ab-12, Quadro, RTX, [N/A], [Not Supported], 10, 100, [N/A], [N/A], 50, 1, 2, [N/A], P15, [N/A], [N/A], [Not Supported], 3, 4',
      stamp,
    )!;
    expect(r).toMatchObject({
      name: 'Quadro, RTX',
      utilizationPercent: null,
      memoryUtilizationPercent: null,
      memoryUsedBytes: 10 * MiB,
      powerWatts: null,
      temperatureCelsius: 50,
      fanPercent: null,
      performanceState: 15,
      throttleReasons: null,
      eccCorrectedErrors: null,
      encoderPercent: 3,
      decoderPercent: 4,
    });
    expect(throttleReasons('0x0000000000000044')).toEqual(['sw_power_cap', 'hw_thermal_slowdown']);
    // Bits above the low 32 name no known reason; the low ones still count.
    expect(throttleReasons('0xFFFFFFFF00000101')).toEqual(['gpu_idle', 'display_clocks_setting']);
    expect(throttleReasons('0x')).toBeNull();
    expect(throttleReasons('0x00000000000000001')).toBeNull();
  });

  it('reads a line in one match to the same reading as column by column, on any line', () => {
    const pad = fc.constantFrom('', ' ', '  ', '\t', '\r');
    const value = fc.oneof(
      fc.constantFrom('0', '-1', '25.58', '300.00', '1.', '.5', '1e3', '0x10', '[N/A]', 'N/A', ''),
      fc.constantFrom(
        '[Not Supported]',
        '23028 MiB',
        '65 %',
        'P8',
        'P123',
        'P',
        '0x0000000000000001',
      ),
      fc.constantFrom('0xFFFFFFFFFFFFFFFF', '0x00000000000000001', '1'.repeat(400), 'a,b'),
      fc.stringMatching(/^[-0-9. xPN/A[\]a-f,]{0,6}$/),
    );
    const uuid = fc.constantFrom(
      'GPU-9a9a6c50-2a47-2f51-a902-b82c3b127e94',
      'MIG-1',
      'GPU-x y',
      'gpu-1',
      '',
    );
    const name = fc.constantFrom('NVIDIA A10G', 'Tesla T4', '', ' A, B ', 'A,B,C');
    const column = (v: fc.Arbitrary<string>) =>
      fc.tuple(pad, v, pad).map(([a, b, c]) => `${a}${b}${c}`);
    const line = fc
      .tuple(
        column(value),
        column(uuid),
        column(name),
        fc.array(column(value), { minLength: 15, maxLength: 17 }),
      )
      .map(([i, u, n, rest]) => [i, u, n, ...rest].join(','));
    fc.assert(
      fc.property(line, (l) => {
        expect(parseQueryGpuLine(l, stamp)).toEqual(parseQueryGpuColumns(l, stamp));
      }),
      { numRuns: 3000 },
    );
    // The fixture's lines take the one-match way and read as the column way does.
    for (const l of fixture('query-gpu-a10g-t4.csv').trim().split('\n'))
      expect(parseQueryGpuLine(l, stamp)).toEqual(parseQueryGpuColumns(l, stamp));
  });

  it('reads a line of many spaced columns and a comma too many without trying every split', () => {
    // Each column's pattern matches spaces in several ways; a line failing at its end would try
    // them all, for every column, if the one-match way were tried on it.
    const hostile = `0, GPU-a, ${Array.from({ length: 17 }, () => ' 1   ').join(',')},`;
    // (A comma too many is read as one in the name, as nvidia-smi would print it.)
    expect(parseQueryGpuLine(hostile, stamp)).toEqual(parseQueryGpuColumns(hostile, stamp));
    const padded = `0,GPU-a,${Array.from({ length: 17 }, () => '    1    ').join(',')}`;
    expect(parseQueryGpuLine(padded, stamp)?.decoderPercent).toBe(1);
  });

  it('reads a csv column to the same value as the general number reader, on any text', () => {
    const text = fc.stringMatching(/^[-0-9. xe+[\]NA/SMiB%]{0,8}$/);
    fc.assert(
      fc.property(text, (t) => {
        expect(csvNumber(t)).toBe(nvidiaNumber(t));
      }),
      { numRuns: 5000 },
    );
    for (const t of [
      '0',
      '-0',
      '25.58',
      '007',
      '1.',
      '.5',
      '-',
      '1e3',
      '0x10',
      '1.2.3',
      '',
      ' 5',
      '9'.repeat(400),
    ])
      expect(csvNumber(t)).toBe(nvidiaNumber(t));
  });

  it('reads compute apps, bounded, skipping odd lines', () => {
    expect(parseComputeApps(fixture('compute-apps-t4.csv'))).toEqual([
      { pid: 675, gpuUuid: 'GPU-d37e67a5-91dd-3774-a5cb-99096249601a', usedMemoryBytes: 22 * MiB },
      {
        pid: 5762,
        gpuUuid: 'GPU-d37e67a5-91dd-3774-a5cb-99096249601a',
        usedMemoryBytes: 1005 * MiB,
      },
    ]);
    expect(parseComputeApps('x\n-1, GPU-a, 3\n7, GPU-a, [N/A]\n')).toEqual([
      { pid: 7, gpuUuid: 'GPU-a', usedMemoryBytes: null },
    ]);
    expect(parseComputeApps('1, GPU-a, 1\n'.repeat(5000))).toHaveLength(4096);
  });
});
