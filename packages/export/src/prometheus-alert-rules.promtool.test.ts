// The exported rules checked and run by a real promtool (Debian's prometheus package) against
// the same series our alert engine judges: every second, the readings below become metrics
// through the kinds' own `compute`, those metrics go to perf-history's engine and, through this
// package's exporters, to Prometheus' input series; both must have the same alerts firing.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type AnyKind,
  createKindRegistry,
  defaultKinds,
  emptyGpuReading,
  type AlertRule,
  type FilesystemReading,
  type ProcessReading,
} from '@arcbox/perf-core';
import { createAlertEngine, defaultAlertRules, parseAlertRules } from '@arcbox/perf-history';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotFamilies } from './export-snapshot.js';
import { type MetricFamily, sampleName } from './metric-family.js';
import { defaultKindQueries } from './alert-rule-queries.js';
import { type PrometheusAlertRules, toPrometheusAlertRules } from './prometheus-alert-rules.js';
import {
  constructedContainerReading,
  constructedSystemReading,
  constructedVmReading,
} from './test-metrics.js';

const run = promisify(execFile);
const PROMTOOL = '/usr/bin/promtool';
const hasPromtool = existsSync(PROMTOOL);
const why = '(needs promtool from Debian prometheus; .ci/apt-packages.txt installs it)';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arcbox-promrules-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function promtool(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { cwd: dir, maxBuffer: 64 << 20 });
    return { code: 0, output: `${stdout}${stderr}` };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function checkRules(name: string, converted: PrometheusAlertRules) {
  const file = join(dir, name);
  await writeFile(file, converted.yaml);
  return promtool(['check', 'rules', file]);
}

/** One step's families as promtool input series (`_` where a series had no sample that step). */
function writeSeries(
  series: Map<string, string[]>,
  families: readonly MetricFamily[],
  i: number,
  steps: number,
  keep: (metric: string) => boolean = () => true,
) {
  for (const family of families) {
    const metric = sampleName(family);
    if (!keep(metric)) continue;
    for (const s of family.samples) {
      const labels = Object.fromEntries(Object.entries(s.labels).filter(([, v]) => v !== ''));
      const key = `${metric}${labelText(labels)}`;
      const values = series.get(key) ?? Array<string>(steps).fill('_');
      series.set(key, values);
      values[i] = String(s.value);
    }
  }
}

/** Runs `promtool test rules` over the series (one value a step) and expects it to pass. */
async function testRules(
  name: string,
  rulesFile: string,
  series: Map<string, string[]>,
  tests: { alert_rule_test?: unknown[]; promql_expr_test?: unknown[] },
  step = '1s',
  evaluationInterval = '1s',
) {
  const testFile = join(dir, `${name}-test.yml`);
  await writeFile(
    testFile,
    JSON.stringify({
      rule_files: [rulesFile],
      evaluation_interval: evaluationInterval,
      tests: [
        {
          interval: step,
          input_series: [...series].map(([s, values]) => ({ series: s, values: values.join(' ') })),
          ...tests,
        },
      ],
    }),
  );
  const { code, output } = await promtool(['test', 'rules', testFile]);
  // promtool prints a failure as blank lines and indented blocks: keep the first ones.
  const failures = output.replace(/\n\s*\n/g, '\n').slice(0, 6000);
  expect(failures).toContain('SUCCESS');
  expect(code).toBe(0);
}

/** Every feature of the rules format, each field kind of PromQL, every kind with a table. */
const everyFeature = `
rules:
  - { name: avg-gauge, metric: system.cpuPercent, comparison: ">", warn: 80, crit: 95, clear: 70, window: { duration: 1m, aggregation: avg }, for: 5m }
  - { name: max-expression, metric: system.memoryPercent, comparison: ">=", warn: 90, window: { duration: 30s, aggregation: max }, for: 90s }
  - { name: min-gauge-below, metric: system.memoryAvailable, comparison: "<", warn: 1000000000, crit: 500000000, clear: 1500000000, window: { duration: 2m, aggregation: min } }
  - { name: sum-gauge-at-most, metric: system.load1, comparison: "<=", crit: 0.1, window: { duration: 1m, aggregation: sum } }
  - { name: last-window, metric: system.load1PerCore, warn: 2, window: { duration: 1m, aggregation: last } }
  - { name: no-window, metric: system.cpuPressure, warn: 50 }
  - name: container-glob
    metric: container.cpuPercent
    match: { id: "3f*", name: "web.*(prod)+[1]|a?b^$\\\\x\\"y", memoryLimited: true }
    warn: 150
    window: { duration: 1m, aggregation: avg }
  - { name: container-rate-max, metric: container.netRxBps, match: { memoryLimited: false }, warn: 1000000, window: { duration: 1m, aggregation: max } }
  - { name: container-of-host, metric: container.cpuPercentOfHost, warn: 50, window: { duration: 1m, aggregation: last } }
  - { name: oom-sum, metric: container.memoryOomKillsNew, crit: 3, window: { duration: 10m, aggregation: sum } }
  - { name: oom-min, metric: container.memoryOomKillsNew, comparison: ">=", warn: 1, window: { duration: 1m, aggregation: min } }
  - { name: vm-by-name, metric: vm.memoryPercent, match: { name: "db-*", id: "qemu-*" }, warn: 90, clear: 80, window: { duration: 1m, aggregation: avg }, for: 1m }
  - { name: vm-vcpus, metric: vm.cpuPercent, warn: 180, window: { duration: 1m, aggregation: avg } }
  - { name: fs-readonly, metric: filesystem.inodesUsedPercent, match: { readOnly: false, name: "/var/*" }, comparison: ">=", warn: 90, crit: 99 }
  - { name: gpu-mig, metric: gpu.slowdownMarginCelsius, match: { mig: true, name: "NVIDIA A100*" }, comparison: "<=", warn: 5, crit: 0, clear: 10, window: { duration: 30s, aggregation: avg }, for: 30s }
  - { name: process-java, metric: process.residentBytes, match: { name: java, labels: { container: web }, inContainer: true }, warn: 2000000000 }
  - { name: process-io, metric: process.ioWriteBps, warn: 50000000, window: { duration: 1m, aggregation: avg } }
`;

describe('promtool check rules', () => {
  it.skipIf(!hasPromtool)(`passes on the exported default rules ${why}`, async () => {
    const converted = toPrometheusAlertRules(defaultAlertRules);
    expect(converted.refused).toEqual([]);
    const { code, output } = await checkRules('defaults.yml', converted);
    expect(output).toContain(`SUCCESS: ${converted.groups[0]!.rules.length} rules found`);
    expect(code).toBe(0);
  });

  it.skipIf(!hasPromtool)(`passes on a rules file using every feature ${why}`, async () => {
    const parsed = parseAlertRules(everyFeature, { source: 'every-feature.yaml' });
    expect(parsed.errors.map((e) => e.message)).toEqual([]);
    const converted = toPrometheusAlertRules(parsed.rules, { evaluationIntervalSeconds: 15 });
    expect(converted.refused.map((e) => e.message)).toEqual([]);
    const { code, output } = await checkRules('every-feature.yml', converted);
    expect(output).toContain(`SUCCESS: ${converted.groups[0]!.rules.length} rules found`);
    expect(code).toBe(0);
  });

  it.skipIf(!hasPromtool)(
    `fails on a broken rule, so the checks above can fail ${why}`,
    async () => {
      const converted = toPrometheusAlertRules(defaultAlertRules);
      const broken = { ...converted, yaml: converted.yaml.replace('[59s999ms]', '[59s999ms') };
      const { code } = await checkRules('broken.yml', broken);
      expect(code).not.toBe(0);
    },
  );
});

// --- The same series through both ----------------------------------------------------------

const SECONDS = 2400;
const GIB = 2 ** 30;

/** A step function: `[from second, value]` pairs, the last one at or before `i` holds. */
const steps =
  (...points: Array<[number, number]>) =>
  (i: number): number =>
    points.reduce((v, [from, value]) => (i >= from ? value : v), points[0]![1]);

// Each profile crosses its rule's thresholds: straight to critical and back, a short breach
// that never outlasts `for`, a warning that sits between `clear` and the raise threshold
// (hysteresis keeps it firing) and then drops below `clear`.
const hostCpu = steps(
  [0, 50],
  [60, 99],
  [1060, 50],
  [1100, 99],
  [1160, 50],
  [1200, 95],
  [2200, 85],
  [2300, 50],
);
const hostMemory = steps([0, 40], [100, 99], [1150, 40], [1250, 93], [2250, 85], [2330, 40]);
const hostLoad1 = steps([0, 1], [30, 9], [1100, 1], [1200, 5], [2200, 3.2], [2280, 1]);
const webMemory = steps(
  [0, 50],
  [30, 99],
  [500, 50],
  [600, 92],
  [1000, 85],
  [1100, 50],
  [1500, 95],
  [1560, 50],
);
const webOomKills = steps([0, 0], [700, 1], [1500, 3]);
const webRestarts = steps([0, 0], [200, 1], [300, 2], [400, 3], [1600, 5], [1610, 7], [1620, 10]);
const dataUsed = steps([0, 50], [100, 92], [400, 88], [500, 80], [700, 96], [900, 50]);
const gpuMemory = steps([0, 50], [100, 96], [400, 92], [500, 50], [700, 99.5], [900, 50]);
const gpuTemperature = steps([0, 60], [100, 87], [300, 82], [400, 70], [600, 92], [800, 60]);

function readingsAt(i: number) {
  const ms = 1000 * i;
  const base = constructedSystemReading(ms, 1);
  // Cumulative CPU seconds up to second i: busy (user + system) and idle per the profile.
  let busy = 0;
  let idle = 0;
  for (let s = 1; s <= i; s++) {
    busy += (2 * hostCpu(s)) / 100;
    idle += 2 - (2 * hostCpu(s)) / 100;
  }
  const total = 8 * GIB;
  const used = Math.round((total * hostMemory(i)) / 100);
  const { cpu, memory } = base;
  if (!cpu || !memory) throw new Error('the constructed host reading has CPU and memory');
  const system = {
    ...base,
    cpu: { ...cpu, total: { ...cpu.total, user: busy / 1.5, system: busy / 3, idle } },
    memory: { ...memory, total, used, available: total - used, free: total - used },
    load: { load1: hostLoad1(i), load5: 1, load15: 1 },
  };
  const web = {
    ...constructedContainerReading('3f2a', 'web', ms, 1),
    memoryLimit: GIB,
    memoryWorkingSet: Math.round((GIB * webMemory(i)) / 100),
    memoryOomKills: webOomKills(i),
    restartCount: webRestarts(i),
  };
  // Near the host's whole memory but without a limit: the default rule only watches limited ones.
  const batch = {
    ...constructedContainerReading('9c1d', 'batch', ms, 1),
    memoryWorkingSet: Math.round(7.9 * GIB),
  };
  const fs = (mountPoint: string, readOnly: boolean, usedPercent: number): FilesystemReading => {
    const size = 100 * GIB;
    const free = Math.round((size * (100 - usedPercent)) / 100);
    return {
      monotonicMs: ms,
      time: ms,
      mountPoint,
      device: `/dev/${readOnly ? 'sr0' : 'vdb'}`,
      fsType: readOnly ? 'iso9660' : 'ext4',
      readOnly,
      sizeBytes: size,
      freeBytes: free,
      availableBytes: free,
      inodesTotal: 1000,
      inodesFree: 500,
      sharedSpace: null,
      problems: [],
    };
  };
  const gpu = emptyGpuReading({
    id: 'GPU-5e1f',
    uuid: 'GPU-5e1f',
    index: 0,
    vendor: 'nvidia',
    name: 'NVIDIA A100',
    monotonicMs: ms,
    time: ms,
    memoryTotalBytes: 40 * GIB,
    memoryUsedBytes: Math.round((40 * GIB * gpuMemory(i)) / 100),
    temperatureCelsius: gpuTemperature(i),
    slowdownTemperatureCelsius: 90,
  });
  return {
    system,
    containers: [web, batch],
    filesystems: [fs('/data', false, dataUsed(i)), fs('/media/cdrom', true, 99)],
    gpus: [gpu],
  };
}

type Readings = Record<string, unknown>;

/** Metrics from two readings through each kind's own `compute`, as a monitor makes them. */
function metricsOf(kinds: readonly AnyKind[], previous: Readings | null, current: Readings) {
  const sample: Record<string, unknown> = {};
  for (const kind of kinds) {
    const now = current[kind.sampleKey];
    if (now === undefined) continue;
    const before = previous?.[kind.sampleKey];
    if (kind.singleton) sample[kind.sampleKey] = kind.compute(before ?? null, now);
    else
      sample[kind.sampleKey] = (now as unknown[]).map((r) =>
        kind.compute(
          (before as unknown[] | undefined)?.find((p) => kind.keyOf(p) === kind.keyOf(r)) ?? null,
          r,
        ),
      );
  }
  return sample;
}

/** The labels Prometheus gives an alert of an engine series (`container:<id>`). */
function labelsOfSeries(
  series: string,
  sample: Record<string, unknown>,
  kinds: ReturnType<typeof createKindRegistry>,
): Record<string, string> {
  const [name, id] = series.split(/:(.*)/s) as [string, string | undefined];
  const kind = kinds.get(name)!;
  if (kind.singleton) return {};
  const m = (sample[kind.sampleKey] as Array<Record<string, unknown>>).find(
    (x) => kind.identity(x).id === id,
  )!;
  return resultLabels(kind.name, m);
}

/**
 * Feeds `seconds` of readings, one a second, to perf-history's engine and, as the series
 * /metrics exports, to promtool with the exported rules; every second, for every rule, the
 * alerts Prometheus has firing must be the ones the engine has (a warning whenever ours fires,
 * a critical while ours is critical). Returns the rule/severity pairs that fired at all.
 */
async function compareWithEngine(
  name: string,
  rules: readonly AlertRule[],
  seconds: number,
  readingsAt: (i: number) => Readings,
): Promise<Set<string>> {
  const kinds = createKindRegistry(defaultKinds());
  const converted = toPrometheusAlertRules(rules, { evaluationIntervalSeconds: 1 });
  expect(converted.refused).toEqual([]);
  const rulesFile = join(dir, `${name}-rules.yml`);
  await writeFile(rulesFile, converted.yaml);
  const queried = new Set(converted.yaml.match(/arcbox_perf_\w+/g));

  const engine = createAlertEngine({ rules, kinds });
  const series = new Map<string, string[]>();
  // alertname -> per second, the alerts expected firing (labels).
  const expected = new Map<string, Array<Array<Record<string, string>>>>();
  const fired = new Set<string>();
  let previous: Readings | null = null;
  for (let i = 0; i < seconds; i++) {
    const readings = readingsAt(i);
    const sample = metricsOf(kinds.kinds, previous, readings);
    previous = readings;
    engine.evaluate(sample);
    writeSeries(series, snapshotFamilies(sample), i, seconds, (metric) => queried.has(metric));
    for (const rule of rules) {
      const perSecond = expected.get(rule.name) ?? [];
      expected.set(rule.name, perSecond);
      const now: Array<Record<string, string>> = [];
      for (const st of engine.states()) {
        if (st.rule !== rule.name || st.state !== 'firing') continue;
        fired.add(`${rule.name}/${st.severity}`);
        const labels = labelsOfSeries(st.series, sample, kinds);
        if (rule.warn !== null) now.push({ ...labels, severity: 'warning' });
        if (st.severity === 'critical') now.push({ ...labels, severity: 'critical' });
      }
      perSecond.push(now);
    }
  }

  const annotations = (alert: string, severity: string) =>
    converted.groups[0]!.rules.find((r) => r.alert === alert && r.labels.severity === severity)!
      .annotations;
  const tests = [];
  for (const [alertname, perSecond] of expected) {
    for (let i = 0; i < seconds; i++) {
      tests.push({
        eval_time: `${i}s`,
        alertname,
        exp_alerts: perSecond[i]!.map((labels) => ({
          exp_labels: labels,
          exp_annotations: annotations(alertname, labels.severity!),
        })),
      });
    }
  }
  await testRules(name, rulesFile, series, { alert_rule_test: tests });
  return fired;
}

const severitiesOf = (rules: readonly AlertRule[]) =>
  rules.flatMap((r) => [
    ...(r.warn === null ? [] : [`${r.name}/warning`]),
    ...(r.crit === null ? [] : [`${r.name}/critical`]),
  ]);

describe('promtool test rules: the exported rules fire and resolve as our engine does', () => {
  it.skipIf(!hasPromtool)(
    `on series crossing every default rule's thresholds, second by second ${why}`,
    async () => {
      const fired = await compareWithEngine('defaults', defaultAlertRules, SECONDS, readingsAt);
      // The profiles reach every severity of every default rule (else the test proves less).
      expect([...fired].sort()).toEqual([...severitiesOf(defaultAlertRules)].sort());
    },
    240_000,
  );

  it.skipIf(!hasPromtool)(
    `for rates and counts per interval under every aggregation and comparison ${why}`,
    async () => {
      const parsed = parseAlertRules(rateRules, { source: 'rate-rules.yaml' });
      expect(parsed.errors.map((e) => e.message)).toEqual([]);
      const fired = await compareWithEngine('rates', parsed.rules, RATE_SECONDS, rateReadingsAt);
      expect([...fired].sort()).toEqual([...severitiesOf(parsed.rules)].sort());
    },
    240_000,
  );
});

// Rules over per-interval rates (container CPU, host CPU modes, VM vCPUs) and counts per
// interval (restarts), each aggregation, each comparison, with and without clear and for.
const rateRules = `
rules:
  - { name: web-cpu-avg, metric: container.cpuPercent, match: { name: "w*" }, warn: 120, crit: 170, clear: 90, window: { duration: 1m, aggregation: avg }, for: 2m }
  - { name: web-cpu-max, metric: container.cpuPercent, comparison: ">=", crit: 190, window: { duration: 30s, aggregation: max } }
  - { name: web-cpu-min-low, metric: container.cpuPercent, match: { id: "3f2a" }, comparison: "<", warn: 30, clear: 50, window: { duration: 30s, aggregation: min }, for: 30s }
  - { name: web-cpu-sum, metric: container.cpuPercent, warn: 5000, window: { duration: 1m, aggregation: sum } }
  - { name: host-user-last, metric: system.cpuUser, comparison: "<=", warn: 20, crit: 10, window: { duration: 1m, aggregation: last } }
  - { name: vm-vcpus, metric: vm.cpuPercent, warn: 150, clear: 120, window: { duration: 1m, aggregation: avg }, for: 1m }
  - { name: restarts-max, metric: container.restartsNew, warn: 0, crit: 2, window: { duration: 2m, aggregation: max } }
`;

const RATE_SECONDS = 1200;
// Container CPU in % of one core (counter seconds per second x 100); at most 200 (2 host CPUs).
const webCpu = steps([0, 60], [90, 150], [400, 100], [500, 60], [600, 195], [900, 10], [1000, 60]);
// Host user share in %, the rest idle.
const hostUser = steps([0, 50], [200, 15], [300, 5], [400, 50]);
// Sum of two vCPUs in %; at most 100 each.
const vmCpu = steps([0, 50], [100, 170], [300, 130], [400, 50], [700, 190], [800, 50]);
const webRestartCount = steps([0, 4], [300, 5], [600, 8], [610, 9]);

/** Cumulative sum of a per-second profile up to second i, from a non-zero start. */
const cumulative = (profile: (s: number) => number, i: number, start: number) => {
  let sum = start;
  for (let s = 1; s <= i; s++) sum += profile(s);
  return sum;
};

function rateReadingsAt(i: number): Readings {
  const ms = 1000 * i;
  const base = constructedSystemReading(ms, 1);
  const cpu = base.cpu!;
  const user = cumulative((s) => (2 * hostUser(s)) / 100, i, 1000);
  const idle = cumulative((s) => 2 - (2 * hostUser(s)) / 100, i, 1000);
  const zero = {
    ...cpu.total,
    user,
    nice: 0,
    system: 0,
    idle,
    iowait: 0,
    irq: 0,
    softirq: 0,
    steal: 0,
    guest: 0,
    guestNice: 0,
  };
  const vm = constructedVmReading('qemu-1', ms, 1);
  const vcpu = (share: number) => cumulative((s) => (vmCpu(s) * share) / 100, i, 500);
  return {
    system: { ...base, cpu: { total: zero, cores: [{ id: 0, times: zero }] } },
    containers: [
      {
        ...constructedContainerReading('3f2a', 'web', ms, 1),
        cpuSeconds: cumulative((s) => webCpu(s) / 100, i, 100),
        restartCount: webRestartCount(i),
      },
    ],
    vms: [
      {
        ...vm,
        vcpus: [
          { ...vm.vcpus[0]!, cpuSeconds: vcpu(0.5) },
          { ...vm.vcpus[1]!, cpuSeconds: vcpu(0.5) },
        ],
      },
    ],
  };
}

// --- Every field's PromQL against the value our kinds compute ----------------------------------

/** Readings of every kind whose counters all grow (k = i + 1), with every field measured. */
function richReadingsAt(i: number) {
  const ms = 1000 * i;
  const k = i + 1;
  const base = constructedSystemReading(ms, k);
  const disks = base.disks ?? [];
  const nics = base.interfaces ?? [];
  // A partition and a bridge: in /metrics, but not in the host totals.
  const system = {
    ...base,
    disks: [
      ...disks,
      { ...disks[0]!, name: 'vda1', kind: 'partition' as const, countedInTotal: false },
    ],
    interfaces: [...nics, { ...nics[0]!, name: 'br0', virtual: true, countedInTotal: false }],
  };
  const counters = (id: string, name: string, limited: boolean) => ({
    ...constructedContainerReading(id, name, ms, k),
    memoryLimit: limited ? GIB : null,
    cpuLimitCores: limited ? 2 : null,
    cpuPeriods: 10 * k,
    cpuThrottledPeriods: 2 * k,
    cpuThrottledSeconds: 0.25 * k,
    memoryOomKills: k,
    memoryOomEvents: 2 * k,
    memoryLimitHits: 3 * k,
    memoryHighEvents: 4 * k,
    restartCount: k * k,
    pidsLimit: limited ? 100 : null,
    // GPU memory of the container's processes: some, and none (0, not absent).
    gpuMemoryBytes: limited ? 512 * 2 ** 20 * k : 0,
    interfaces: system.interfaces,
  });
  const process: ProcessReading = {
    monotonicMs: ms,
    time: ms,
    pid: 4242,
    ppid: 1,
    startTime: 100,
    comm: 'java',
    command: 'java -jar app.jar',
    uid: 0,
    user: 'root',
    state: 'S',
    threads: 12,
    cpuUserSeconds: k,
    cpuSystemSeconds: k / 2,
    cpuSeconds: 1.5 * k,
    residentBytes: 3 * GIB,
    swapBytes: 2 ** 20,
    ioReadBytes: 1000 * k,
    ioWriteBytes: 3000 * k * k,
    container: '3f2a',
    kernelThread: false,
    hostCpuCount: 2,
  };
  const fs = (mountPoint: string, readOnly: boolean): FilesystemReading => ({
    monotonicMs: ms,
    time: ms,
    mountPoint,
    device: readOnly ? '/dev/sr0' : '/dev/vdb',
    fsType: readOnly ? 'iso9660' : 'ext4',
    readOnly,
    sizeBytes: 100 * GIB,
    freeBytes: 30 * GIB,
    availableBytes: 25 * GIB,
    inodesTotal: 1000,
    inodesFree: 300,
    sharedSpace: null,
    problems: [],
  });
  const gpu = emptyGpuReading({
    id: 'GPU-5e1f',
    uuid: 'GPU-5e1f',
    index: 0,
    vendor: 'nvidia',
    name: 'NVIDIA A100',
    monotonicMs: ms,
    time: ms,
    utilizationPercent: 40,
    memoryUtilizationPercent: 20,
    memoryUsedBytes: 10 * GIB,
    memoryTotalBytes: 40 * GIB,
    powerWatts: 250,
    powerLimitWatts: 400,
    temperatureCelsius: 71,
    slowdownTemperatureCelsius: 90,
    smClockHz: 1.4e9,
    memoryClockHz: 1.2e9,
    fanPercent: 55,
    performanceState: 0,
    eccCorrectedErrors: 3,
    eccUncorrectedErrors: 0,
    encoderPercent: 5,
    decoderPercent: 6,
    rendererPercent: 7,
    tilerPercent: 8,
  });
  return {
    system,
    containers: [counters('3f2a', 'web', true), counters('9c1d', 'batch', false)],
    // A tenth per second: a vCPU is busy at most one second per second.
    vms: [constructedVmReading('qemu-1', ms, k / 10)],
    filesystems: [fs('/data', false), fs('/media/cdrom', true)],
    gpus: [gpu],
    processes: [process],
  };
}

/** The labels a field's PromQL result carries for one series of a kind (empty values dropped). */
function resultLabels(kind: string, m: Record<string, unknown>): Record<string, string> {
  const labels: Record<string, string> =
    kind === 'container'
      ? { id: String(m.id), name: String(m.name) }
      : kind === 'vm'
        ? { vm: String(m.id) }
        : kind === 'filesystem'
          ? { device: String(m.device), fstype: String(m.fsType), mountpoint: String(m.mountPoint) }
          : kind === 'gpu'
            ? { gpu: String(m.index), uuid: String(m.uuid), name: String(m.name), parent: '' }
            : kind === 'process'
              ? { pid: String(m.pid), comm: String(m.comm), container: String(m.container ?? '') }
              : {};
  return Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== ''));
}

const labelText = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ')}}`;

describe('promtool: every field the queries map reads what our kinds compute', () => {
  it.skipIf(!hasPromtool)(
    `each field's PromQL (no window) equals the field on every series ${why}`,
    async () => {
      const kinds = createKindRegistry(defaultKinds());
      const tables = defaultKindQueries();
      const STEPS = 3;
      const samples: Array<Record<string, unknown>> = [];
      let previous: ReturnType<typeof richReadingsAt> | null = null;
      for (let i = 0; i < STEPS; i++) {
        const readings = richReadingsAt(i);
        samples.push(metricsOf(kinds.kinds, previous as never, readings as never));
        previous = readings;
      }
      const last = samples.at(-1)!;
      // A rule per mapped field whose threshold every value passes: its expression is the value.
      const rules: AlertRule[] = tables.flatMap((t) =>
        Object.keys(t.fields).map((field) => ({
          name: `${t.kind}.${field}`,
          target: t.kind,
          field,
          comparison: '>' as const,
          warn: -1e15,
          crit: null,
          clear: null,
          windowSeconds: 0,
          windowAggregation: 'last' as const,
          forSeconds: 0,
        })),
      );
      const converted = toPrometheusAlertRules(rules);
      expect(converted.refused).toEqual([]);

      const series = new Map<string, string[]>();
      for (let i = 0; i < STEPS; i++) writeSeries(series, snapshotFamilies(samples[i]!), i, STEPS);
      const tests = [];
      let measured = 0;
      for (const rule of rules) {
        const kind = kinds.get(rule.target)!;
        const field = kind.fields.find((f) => f.name === rule.field)!;
        const list = (kind.singleton ? [last[kind.sampleKey]] : last[kind.sampleKey]) as Array<
          Record<string, unknown>
        >;
        let n = 0;
        for (const m of list) {
          const value = field.value(m);
          if (value === null) continue;
          n += 1;
          const key = `arcbox_expected${labelText({ field: rule.name, ...resultLabels(kind.name, m) })}`;
          series.set(key, [...Array<string>(STEPS - 1).fill('_'), String(value)]);
        }
        if (n > 0) measured += 1;
        const expr = converted.groups[0]!.rules.find((r) => r.alert === rule.name)!.expr;
        const expected = `arcbox_expected{field="${rule.name}"}`;
        const count = (q: string) => ({
          expr: `count(${q})`,
          eval_time: `${STEPS - 1}s`,
          exp_samples: n > 0 ? [{ labels: '{}', value: n }] : [],
        });
        tests.push(count(expr), count(`(${expr}) - ignoring(field) ${expected}`), {
          expr: `abs((${expr}) - ignoring(field) ${expected}) > ignoring(field) (1e-6 * abs(${expected}) + 1e-9)`,
          eval_time: `${STEPS - 1}s`,
          exp_samples: [],
        });
      }
      // The readings measure nearly every mapped field (macOS-only ones stay null on Linux readings).
      expect(measured).toBeGreaterThan(rules.length - 8);

      const rulesFile = join(dir, 'fields.yml');
      await writeFile(rulesFile, converted.yaml);
      await testRules('fields', rulesFile, series, { promql_expr_test: tests });
    },
    120_000,
  );
});

describe('promtool: rules exported for an evaluation interval', () => {
  it.skipIf(!hasPromtool)(
    `fire at the first evaluation "for" after the one that saw the condition, and hold until clear ${why}`,
    async () => {
      const { rules } = parseAlertRules(
        [
          'rules:',
          '  - { name: slow-for, metric: system.load1, warn: 4, for: 45s }',
          '  - { name: held, metric: system.memoryPercent, warn: 90, clear: 80 }',
        ].join('\n'),
      );
      const converted = toPrometheusAlertRules(rules, { evaluationIntervalSeconds: 30 });
      expect(converted.refused).toEqual([]);
      expect(converted.notes).toEqual([]);
      expect(converted.groups[0]!.interval).toBe('30s');
      // 45 s is two 30 s evaluations: written as the 1m Prometheus waits anyway.
      expect(converted.groups[0]!.rules.find((r) => r.alert === 'slow-for')!.for).toBe('1m');
      expect((await checkRules('interval-30s.yml', converted)).code).toBe(0);
      const rulesFile = join(dir, 'interval-30s.yml');

      // One sample a second for 5 minutes: load 5 from 100 s to 250 s; memory 95 % from 100 s,
      // 85 % (between clear and warn) from 160 s, 70 % from 220 s.
      const steps = 300;
      const at = (f: (s: number) => number) =>
        Array.from({ length: steps }, (_, s) => String(f(s)));
      const series = new Map([
        ['arcbox_perf_load1', at((s) => (s >= 100 && s < 250 ? 5 : 1))],
        ['arcbox_perf_memory_total_bytes', at(() => 100)],
        [
          'arcbox_perf_memory_used_bytes',
          at((s) => (s < 100 ? 50 : s < 160 ? 95 : s < 220 ? 85 : 70)),
        ],
      ]);
      const annotations = (alert: string) =>
        converted.groups[0]!.rules.find((r) => r.alert === alert)!.annotations;
      const expect_ = (alertname: string, seconds: number, firing: boolean) => ({
        eval_time: `${seconds}s`,
        alertname,
        exp_alerts: firing
          ? [{ exp_labels: { severity: 'warning' }, exp_annotations: annotations(alertname) }]
          : [],
      });
      await testRules(
        'interval-30s',
        rulesFile,
        series,
        {
          alert_rule_test: [
            // Seen at the 120 s evaluation (pending), firing at 180 s: not at 150 s, where our
            // engine (judging every second) would have fired since 145 s.
            expect_('slow-for', 150, false),
            expect_('slow-for', 180, true),
            expect_('slow-for', 240, true),
            expect_('slow-for', 270, false),
            // Firing at 120 s, held at 85 % (the 150 s evaluation's ALERTS), resolved at 70 %.
            expect_('held', 90, false),
            expect_('held', 120, true),
            expect_('held', 210, true),
            expect_('held', 240, false),
          ],
        },
        '1s',
        '30s',
      );
      // Past Prometheus' 5-minute lookback the previous evaluation's ALERTS are gone: refused.
      const slow = toPrometheusAlertRules(rules, { evaluationIntervalSeconds: 600 });
      expect(slow.refused.map((e) => e.message)).toEqual([
        expect.stringMatching(/^alert rule "held": clear needs the previous evaluation's ALERTS/),
      ]);
    },
    60_000,
  );
});
