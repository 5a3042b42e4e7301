import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import {
  keepArtifact,
  pageErrors,
  startDashboardAgent,
  tearDown,
} from './testing/dashboard-agent.js';
import { type RunningAgent, tempDir } from './testing/spawn-agent.js';
import { createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';

const needs = browserTestNeeds({ cgroups: true });

const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/**
 * The small things in Debian's headless Chromium: a favicon (not a 404), hover times with
 * seconds, and no sideways scrolling at 360 px, on the overview (with a container, processes
 * and filesystems in its tables) and on a container's page.
 */
describe.skipIf(!needs.ready)(`dashboard layout (${needs.reason})`, () => {
  let agent: RunningAgent;
  let cgroup: TestCgroup;
  let browser: Browser;
  let dir: string;
  const name = `arcbox-dash-layout-with-a-long-name-${process.pid}`;

  beforeAll(async () => {
    dir = await tempDir('arcbox-dash-layout-');
    cgroup = await createTestCgroup(name);
    await cgroup.run('while :; do sleep 1; done');
    agent = await startDashboardAgent({
      containers: [cgroup.path],
      rules: [
        '{ name: forced-memory-with-a-long-rule-name, metric: system.memoryTotal, comparison: ">", warn: 1, description: "A rule forced by the test, with a description long enough to wrap at 360 px" }',
      ],
    });
    browser = await launchChromium();
  });

  afterAll(() => tearDown({ browser, agent, cgroup, dirs: [dir] }));

  it('serves a favicon: /favicon.ico and the icon the page names', async () => {
    const ico = await agent.get('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers.get('content-type')).toBe('image/svg+xml');
    expect(await ico.text()).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const page = await browser.newPage();
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${agent.url}/`);
    const href = await page
      .locator('link[rel="icon"]')
      .evaluate((l) => (l as HTMLLinkElement).href);
    expect((await page.request.get(href)).status()).toBe(200);
    expect(missing).toEqual([]);
    await page.close();
  });

  it('shows the hover time with seconds, and the newest values when not hovering', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(`${agent.url}/`);
    await page.waitForFunction(
      () =>
        ((
          window as unknown as { arcboxDashboard?: { points(): Record<string, number> } }
        ).arcboxDashboard?.points().cpu ?? 0) >= 4,
      undefined,
      { timeout: 20_000 },
    );
    const time = page.locator('#chart-cpu .u-legend .u-series').first().locator('.u-value');
    const busy = page.locator('#chart-cpu .u-legend .u-series').nth(1).locator('.u-value');
    const withSeconds = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
    // Off the chart the legend shows the newest point, not "–".
    await expect.poll(async () => time.textContent(), { timeout: 5_000 }).toMatch(withSeconds);
    expect(await busy.textContent()).toMatch(/^\d+\.\d %$/);
    const newest = await time.textContent();
    // Hovering the left part of the chart shows an older point's time, with seconds.
    const over = page.locator('#chart-cpu .u-over');
    const box = (await over.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
    await expect.poll(async () => time.textContent(), { timeout: 5_000 }).not.toBe(newest);
    expect(await time.textContent()).toMatch(withSeconds);
    await page.close();
  });

  it('does not scroll sideways at 360 px, on the overview and on a container page', async () => {
    const page = await browser.newPage({ viewport: { width: 360, height: 780 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    const row = page.locator(`#containers tbody tr[data-id$="${name}"]`);
    await row.waitFor({ timeout: 20_000 });
    await page.locator('#processes tbody tr[data-id]').first().waitFor({ timeout: 10_000 });
    await page.locator('#filesystems tbody tr[data-id]').first().waitFor({ timeout: 10_000 });
    await page
      .locator('#alerts li[data-rule="forced-memory-with-a-long-rule-name"]')
      .waitFor({ timeout: 15_000 });
    // The tables are wider than the screen: they scroll inside their own box.
    expect(
      await page.locator('#containers').evaluate((t) => t.scrollWidth > window.innerWidth),
    ).toBe(true);
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    const overview = join(dir, 'overview-360.png');
    await page.screenshot({ path: overview, fullPage: true });

    await row.locator('a').click();
    await page.locator('#container-view').waitFor({ state: 'visible' });
    await page.locator('#container-chart-cpu .uplot').waitFor();
    await page.waitForTimeout(1500);
    expect(await pageWidth(page)).toBeLessThanOrEqual(360);
    const container = join(dir, 'container-360.png');
    await page.screenshot({ path: container, fullPage: true });
    for (const shot of [overview, container]) {
      const png = await readFile(shot);
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    }
    await keepArtifact(overview, 'overview-360.png');
    await keepArtifact(container, 'container-360.png');
    expect(errors).toEqual([]);
    await page.close();
  });
});
