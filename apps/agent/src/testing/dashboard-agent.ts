// Test support: the agent the dashboard's browser tests open, sampling every 500 ms, with the
// cgroups, VM sockets and rules a test gives, and the page's own read-outs (window.arcboxDashboard).
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { type RunningAgent, removeDir, startAgent } from './spawn-agent.js';
import type { TestCgroup } from './test-cgroup.js';
import type { TestVm } from './test-qemu.js';

export const artifacts = fileURLToPath(new URL('../../.artifacts/', import.meta.url));

export interface DashboardAgentOptions {
  /** The sample interval, 500ms by default. */
  interval?: string;
  /** Cgroup paths the agent reads as containers (discovery off). */
  containers?: string[];
  /** QMP sockets of VMs. */
  vms?: string[];
  /** Rules, each a YAML flow mapping. */
  rules?: string[];
  /** More config lines, as written. */
  extra?: string[];
  /** The agent's environment, over this process's. */
  env?: NodeJS.ProcessEnv;
}

export function dashboardConfig(options: DashboardAgentOptions): string {
  const lines = [`interval: ${options.interval ?? '500ms'}`, ...(options.extra ?? [])];
  if (options.containers || options.vms) {
    lines.push('sources:', '  containers:', '    discover: false');
    if (options.containers?.length) lines.push(`    paths: ${JSON.stringify(options.containers)}`);
    if (options.vms) lines.push('  vms:', `    sockets: ${JSON.stringify(options.vms)}`);
  }
  if (options.rules) lines.push('rules:', ...options.rules.map((r) => `  - ${r}`));
  return `${lines.join('\n')}\n`;
}

/** Starts the agent with `dashboardConfig(options)` and waits until it is ready. */
export async function startDashboardAgent(
  options: DashboardAgentOptions = {},
): Promise<RunningAgent> {
  const agent = await startAgent(dashboardConfig(options), options.env ? { env: options.env } : {});
  await agent.waitReady();
  return agent;
}

/** Keeps a screenshot in apps/agent/.artifacts/ for people to look at. */
export async function keepArtifact(file: string, name: string): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  await copyFile(file, join(artifacts, name));
}

/** The page's uncaught errors, collected from now on (a test ends expecting none). */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

export type Columns = Record<string, Array<number | null>>;
interface Dashboard {
  points(): Record<string, number>;
  samples(): number;
  view(): { page: string; id?: string | null };
  chart(page: string, key: string): Columns | null;
  labels(page: string, key: string): string[] | null;
  xAxis(page: string, key: string): { min: number; max: number; ticks: string[] } | null;
  zoom(): { from: number; to: number } | null;
  times(page: string, key: string): number[] | null;
}
type Win = { arcboxDashboard: Dashboard };

/** What the page shows: { page: 'overview' } or { page, id }. */
export const dashboardView = (page: Page) =>
  page.evaluate(() => (window as unknown as Win).arcboxDashboard.view());

type ChartReadOut = 'chart' | 'labels' | 'xAxis' | 'times';

/** One of the page's per-chart read-outs, for chart `key` of `view` ('host', 'container', 'vm'). */
const readOut = <M extends ChartReadOut>(method: M) => {
  return (page: Page, view: string, key: string) =>
    page.evaluate(
      ([m, v, k]) =>
        (window as unknown as Win).arcboxDashboard[m](v, k) as ReturnType<Dashboard[M]>,
      [method, view, key] as [M, string, string],
    );
};

/** A chart's columns by field, as drawn (`chart(page, 'container', 'memory').memoryLimit`). */
export const dashboardChart = readOut('chart');
/** The labels of a chart's lines, as uPlot draws them. */
export const dashboardLabels = readOut('labels');
/** A chart's x scale (s) and its x axis' tick labels as drawn. */
export const dashboardXAxis = readOut('xAxis');
/** A chart's timestamps (ms). */
export const dashboardTimes = readOut('times');

/** Waits until every host chart holds at least `n` points. */
export const waitForHostPoints = (page: Page, n: number, timeout = 30_000) =>
  page.waitForFunction(
    (min) => {
      const d = (window as unknown as Partial<Win>).arcboxDashboard;
      return d !== undefined && Object.values(d.points()).every((p) => p >= min);
    },
    n,
    { timeout },
  );

export const lastValue = (col: Array<number | null> | undefined) =>
  col?.findLast((v) => v !== null && v !== undefined) ?? null;

/** The highest measured value of a column (NaN when none). */
export const peak = (col: Array<number | null> | undefined) => {
  const values = (col ?? []).filter((v): v is number => v !== null && v !== undefined);
  return values.length > 0 ? Math.max(...values) : Number.NaN;
};

export const measured = (col: Array<number | null> | undefined) =>
  (col ?? []).filter((v) => v !== null && v !== undefined).length;

/** Ends what a browser test started: the browser, the agent and its directory, cgroup, VM, dirs. */
export async function tearDown(parts: {
  browser?: Browser;
  agent?: RunningAgent;
  cgroup?: TestCgroup;
  cgroups?: TestCgroup[];
  vm?: TestVm;
  dirs?: Array<string | undefined>;
}): Promise<void> {
  await parts.browser?.close();
  await parts.agent?.stop();
  await parts.cgroup?.remove();
  for (const cgroup of parts.cgroups ?? []) await cgroup.remove();
  await parts.vm?.stop();
  if (parts.agent) await removeDir(parts.agent.dir);
  for (const dir of parts.dirs ?? []) if (dir) await removeDir(dir);
}
