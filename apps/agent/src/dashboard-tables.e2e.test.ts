import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import { pageErrors, startDashboardAgent, tearDown } from './testing/dashboard-agent.js';
import { type RunningAgent, tempDir } from './testing/spawn-agent.js';
import { createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';

const needs = browserTestNeeds({ cgroups: true });
const count = 500;
const firstIds = (page: Page, n = 3) =>
  page.evaluate(
    (k) =>
      Array.from(document.querySelectorAll('#containers tbody tr[data-id]'))
        .slice(0, k)
        .map((tr) => (tr as HTMLElement).dataset.id!.split('-').pop()),
    n,
  );

/**
 * The overview's tables in Debian's headless Chromium with 500 real cgroups (a sleeping shell
 * each): the containers table keeps only the rows in sight in the DOM and scrolls to the last,
 * sorts by any column on a header click (again: the other way), and the filter box narrows it.
 */
describe.skipIf(!needs.ready)(`dashboard tables with 500 containers (${needs.reason})`, () => {
  let agent: RunningAgent;
  const cgroups: TestCgroup[] = [];
  let browser: Browser;
  let dir: string;
  const prefix = `arcbox-dash-tab-${process.pid}`;

  beforeAll(async () => {
    dir = await tempDir('arcbox-dash-tables-');
    for (let i = 0; i < count; i += 1) {
      const cgroup = await createTestCgroup(`${prefix}-${String(i).padStart(3, '0')}`);
      cgroups.push(cgroup);
      await cgroup.run('exec sleep 3600');
    }
    agent = await startDashboardAgent({ containers: [`/${prefix}-*`], interval: '1s' });
    browser = await launchChromium();
  }, 120_000);

  afterAll(() => tearDown({ browser, agent, cgroups, dirs: [dir] }), 120_000);

  it('virtualises, sorts by a header click and filters', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    await page.locator('#containers[data-rows="500"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('#container-count').textContent()).toBe('(500)');
    // Only the rows in sight (and a few either side) are in the DOM.
    const rendered = await page.locator('#containers tbody tr[data-id]').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(80);

    // Name, ascending; again, descending.
    const name = page.locator('#containers thead th').nth(0);
    await name.click();
    expect(await name.getAttribute('aria-sort')).toBe('ascending');
    expect(await firstIds(page)).toEqual(['000', '001', '002']);
    await name.click();
    expect(await name.getAttribute('aria-sort')).toBe('descending');
    expect(await firstIds(page)).toEqual(['499', '498', '497']);

    // Scrolled to the bottom, the last rows are drawn (and the first are not in the DOM).
    await page.locator('#containers').evaluate((t) => {
      const wrap = t.closest('.table-wrap')!;
      wrap.scrollTop = wrap.scrollHeight;
    });
    await page.locator('#containers tbody tr[data-id$="-000"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('#containers tbody tr[data-id$="-499"]').count()).toBe(0);

    // Memory, descending: each drawn row's memory is at most the one above it (in bytes).
    const memory = page.locator('#containers thead th').nth(4);
    await memory.click();
    expect(await memory.getAttribute('aria-sort')).toBe('descending');
    // Read in one go (the table is redrawn every round): the drawn sizes never go up.
    const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
    const sizes = (
      await page.locator('#containers tbody tr[data-id] td:nth-child(5)').allTextContents()
    ).map((t) => {
      const m = /^([\d.]+) (B|KiB|MiB|GiB)$/.exec(t);
      return m ? Number(m[1]) * units[m[2]!]! : -1;
    });
    expect(sizes.length).toBeGreaterThan(5);
    expect(sizes.filter((v) => v > 0).length).toBeGreaterThan(5);
    for (let i = 1; i < sizes.length; i += 1) expect(sizes[i]).toBeLessThanOrEqual(sizes[i - 1]!);

    // The filter: one container by a part of its name; nothing; then all again.
    await page.fill('#containers-filter', `${prefix}-042`);
    await page.locator('#containers[data-rows="1"]').waitFor({ timeout: 5_000 });
    expect(await page.locator('#container-count').textContent()).toBe('(1 of 500)');
    expect(await firstIds(page)).toEqual(['042']);
    await page.fill('#containers-filter', 'no-such-container');
    await page.getByText('Nothing matches the filter').waitFor({ timeout: 5_000 });
    await page.fill('#containers-filter', '');
    await page.locator('#containers[data-rows="500"]').waitFor({ timeout: 5_000 });

    // Another table, the same way: filesystems by mount point.
    const mounts = page.locator('#filesystems tbody tr[data-id]');
    await mounts.first().waitFor({ timeout: 10_000 });
    const first = (await mounts.first().getAttribute('data-id'))!;
    await page.fill('#filesystems-filter', first);
    await expect.poll(async () => mounts.first().getAttribute('data-id')).toBe(first);
    expect(errors).toEqual([]);
  });
});
