import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAgent, removeDir, startAgent, tempDir } from './testing/spawn-agent.js';
import { canMakeCgroups, createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';

const chromiumPath = '/usr/bin/chromium';
const ready = existsSync(chromiumPath) && canMakeCgroups;
const artifacts = fileURLToPath(new URL('../.artifacts/', import.meta.url));
const memoryLimit = 256 * 1024 * 1024;
const cpuCores = 0.8;

interface Dashboard {
  view(): { page: string; id?: string | null };
  chart(page: string, key: string): Record<string, Array<number | null>>;
}
const dashboard = (page: Page) =>
  page.evaluate(() => (window as unknown as { arcboxDashboard: Dashboard }).arcboxDashboard.view());
const columns = (page: Page, key: string) =>
  page.evaluate(
    (k) =>
      (window as unknown as { arcboxDashboard: Dashboard }).arcboxDashboard.chart('container', k),
    key,
  );
const lastValue = (col: Array<number | null> | undefined) =>
  col?.findLast((v) => v !== null && v !== undefined) ?? null;

/**
 * The container page in Debian's headless Chromium against a real agent and a real cgroup with
 * a busy loop, a shell holding 16 MiB, a 256 MiB memory limit and a 0.8-core CPU quota: clicking
 * the row opens #/container/<id>, the CPU line is above 50 %, the limit lines are drawn at the configured
 * limits (read from the chart's own data), its processes and its alert are listed, back returns.
 */
describe.skipIf(!ready)('dashboard container page (needs root and Debian chromium)', () => {
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
    agent = await startAgent(
      [
        'interval: 500ms',
        'sources:',
        '  containers:',
        '    discover: false',
        `    paths: ["${cgroup.path}"]`,
        'rules:',
        '  - { name: forced-container-cpu, metric: container.cpuPercent, comparison: ">", warn: 1 }',
        '',
      ].join('\n'),
    );
    await agent.waitReady();
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await cgroup?.remove();
    if (agent) await removeDir(agent.dir);
    if (dir) await removeDir(dir);
  });

  it('opens from the row, draws CPU against the quota and memory against the limit, goes back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
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
    await mkdir(artifacts, { recursive: true });
    await copyFile(shot, join(artifacts, 'container-page.png'));

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
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
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
