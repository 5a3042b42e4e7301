import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import {
  type Columns,
  dashboardChart,
  dashboardView,
  keepArtifact,
  lastValue,
  pageErrors,
  startDashboardAgent,
  tearDown,
} from './testing/dashboard-agent.js';
import { type RunningAgent, tempDir } from './testing/spawn-agent.js';
import { createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';

const needs = browserTestNeeds({ cgroups: true });
const memoryLimit = 256 * 1024 * 1024;
const cpuCores = 0.8;

const dashboard = dashboardView;
const columns = async (page: Page, key: string): Promise<Columns> =>
  (await dashboardChart(page, 'container', key)) ?? {};

/**
 * The container page in Debian's headless Chromium against a real agent and a real cgroup with
 * a busy loop, a shell holding 16 MiB, a 256 MiB memory limit and a 0.8-core CPU quota: clicking
 * the row opens #/container/<id>, the CPU line is above 50 %, the limit lines are drawn at the configured
 * limits (read from the chart's own data), its processes and its alert are listed, back returns.
 */
describe.skipIf(!needs.ready)(`dashboard container page (${needs.reason})`, () => {
  let agent: RunningAgent;
  let cgroup: TestCgroup;
  let browser: Browser;
  let dir: string;
  const name = `arcbox-dash-c-${process.pid}`;

  beforeAll(async () => {
    dir = await tempDir('arcbox-dash-container-');
    cgroup = await createTestCgroup(name);
    // A heavy CPU weight: the loop stays busy while other work (another CI run) shares the cores;
    // the quota (0.8 of a core) leaves the other core to everything else.
    await cgroup.limit({ memoryBytes: memoryLimit, cpuCores, cpuWeight: 1000 });
    await cgroup.run();
    // 16 MiB held in a shell variable: a working set the memory chart can show under the limit.
    await cgroup.run("x=$(head -c 16777216 /dev/zero | tr '\\0' a); while :; do sleep 1; done");
    agent = await startDashboardAgent({
      containers: [cgroup.path],
      rules: [
        '{ name: forced-container-cpu, metric: container.cpuPercent, comparison: ">", warn: 1 }',
      ],
    });
    browser = await launchChromium();
  });

  afterAll(() => tearDown({ browser, agent, cgroup, dirs: [dir] }));

  it('opens from the row, draws CPU against the quota and memory against the limit, goes back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    const row = page.locator(`#containers tbody tr[data-id$="${name}"]`);
    await row.waitFor({ timeout: 20_000 });
    const id = (await row.getAttribute('data-id'))!;

    // A click on the row (not on the name's link) opens the page at a linkable address.
    await row.locator('td').nth(2).click();
    await page.waitForFunction(() => location.hash.startsWith('#/container/'));
    expect(new URL(page.url()).hash).toBe(`#/container/${encodeURIComponent(id)}`);
    expect(await dashboard(page)).toEqual({ page: 'container', id });
    expect(await page.locator('#overview').isVisible()).toBe(false);
    expect(await page.locator('#container-title').textContent()).toBe(id.split('/').pop());

    // The busy loop's CPU line passes 50 %, held under the quota line drawn at 0.8 cores = 80 %.
    await expect
      .poll(async () => lastValue((await columns(page, 'cpu')).cpuPercent), { timeout: 20_000 })
      .toBeGreaterThan(50);
    const cpu = await columns(page, 'cpu');
    expect(lastValue(cpu.cpuLimitPercent)).toBeCloseTo(cpuCores * 100, 6);
    // Throttled to the quota (a little above it within one interval at most).
    expect(Math.max(...cpu.cpuPercent!.filter((v): v is number => v !== null))).toBeLessThan(95);
    // The memory limit line is the configured limit, in the chart's data and on its element.
    await expect
      .poll(async () => lastValue((await columns(page, 'memory')).memoryLimit), {
        timeout: 10_000,
      })
      .toBe(memoryLimit);
    expect(await page.locator('#container-chart-memory').getAttribute('data-limit')).toBe(
      String(memoryLimit),
    );
    await expect
      .poll(async () => lastValue((await columns(page, 'memory')).memoryUsed), {
        timeout: 15_000,
      })
      .toBeGreaterThan(8 * 1024 * 1024);
    expect(lastValue((await columns(page, 'memory')).memoryUsed)).toBeLessThan(memoryLimit);
    // Each chart is a drawn uPlot (5: CPU, memory, block, network, PIDs), PIDs count the shells.
    expect(await page.locator('#container-view .uplot canvas').count()).toBe(5);
    await expect
      .poll(async () => lastValue((await columns(page, 'pids')).pids), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    expect(await page.locator('#container-facts dd[data-fact="Memory limit"]').textContent()).toBe(
      '256 MiB',
    );

    // Its processes (/api/v1/processes?container=<id>): the busy shell.
    await expect
      .poll(
        async () =>
          (
            await page.locator('#container-processes tbody td:nth-child(7)').allTextContents()
          ).filter((t) => t.includes('while :; do :; done')).length,
        { timeout: 15_000 },
      )
      .toBe(1);
    // Sortable as the overview's tables: by CPU at first, by PID on a click on its header.
    const processHeaders = page.locator('#container-processes thead th');
    expect(await processHeaders.nth(3).getAttribute('aria-sort')).toBe('descending');
    await processHeaders.nth(0).click();
    expect(await processHeaders.nth(0).getAttribute('aria-sort')).toBe('ascending');
    const pids = (
      await page.locator('#container-processes tbody td:nth-child(1)').allTextContents()
    ).map(Number);
    expect(pids).toEqual([...pids].sort((a, b) => a - b));
    // Its alerts: the rule forced on container CPU, and only alerts of this container.
    const alert = page.locator('#container-alerts li[data-rule="forced-container-cpu"]');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.getAttribute('data-series')).toBe(`container:${id}`);
    expect(await alert.locator('.alert-value').textContent()).toMatch(/^\d+(\.\d)? %$/);

    const shot = join(dir, 'container.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = await readFile(shot);
    expect(png.subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    expect(png.length).toBeGreaterThan(10_000);
    // Kept beside the overview's screenshot for people to look at.
    await keepArtifact(shot, 'container-page.png');

    // The browser's back button returns to the overview.
    await page.goBack();
    await page.waitForFunction(() => location.hash === '');
    expect(await dashboard(page)).toEqual({ page: 'overview' });
    expect(await page.locator('#overview').isVisible()).toBe(true);
    expect(await page.locator('#container-view').isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });

  it('says so for an id that names no container, and for one that is too long', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/#/container/${encodeURIComponent('/no-such<b>thing')}`);
    await page.locator('#container-missing').waitFor({ state: 'visible', timeout: 15_000 });
    // Shown as text, never as markup.
    expect(await page.locator('#container-title').textContent()).toBe('/no-such<b>thing');
    expect(await page.locator('#container-title b').count()).toBe(0);
    await page.goto(`${agent.url}/#/container/${'x'.repeat(300)}`);
    await page.locator('#container-bad-id').waitFor({ state: 'visible', timeout: 5_000 });
    expect(errors).toEqual([]);
  });
});
