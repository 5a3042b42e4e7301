import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import {
  dashboardTimes,
  dashboardXAxis,
  waitForHostPoints,
  pageErrors,
  startDashboardAgent,
  tearDown,
} from './testing/dashboard-agent.js';
import type { RunningAgent } from './testing/spawn-agent.js';

const needs = browserTestNeeds();
type Win = {
  arcboxDashboard: {
    samples(): number;
    historyLoaded(): boolean;
    zoom(): { from: number; to: number } | null;
  };
};

/**
 * How the overview takes its data, in Debian's headless Chromium against a real agent (500 ms
 * rounds): the stream is asked for while history loads (a slow history answer, held back here
 * by 3 s, leaves no gap where it meets the stream), and a table refilled every round keeps its
 * row elements, changing only what changed.
 */
describe.skipIf(!needs.ready)(`dashboard updates (${needs.reason})`, () => {
  let agent: RunningAgent;
  let browser: Browser;

  beforeAll(async () => {
    agent = await startDashboardAgent();
    browser = await launchChromium();
    // History to load: a few rounds before the page opens.
    await new Promise((r) => setTimeout(r, 2000));
  });

  afterAll(async () => {
    await tearDown({ browser, agent });
  });

  it('follows a slow history answer with the rounds the stream brought meanwhile', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = pageErrors(page);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    let answeredAt = 0;
    // The first history answer comes 3 s late (as read when asked: it ends then).
    let held = false;
    await page.route('**/api/v1/history?*', async (route) => {
      if (held) return route.continue();
      held = true;
      const response = await route.fetch();
      await new Promise((r) => setTimeout(r, 3000));
      answeredAt = Date.now();
      await route.fulfill({ response });
    });
    await page.goto(`${agent.url}/`);
    await page.waitForFunction(
      () => (window as unknown as Win).arcboxDashboard?.historyLoaded() === true,
      undefined,
      { timeout: 20_000 },
    );
    // The stream was asked for with history, not after its answer; rounds came meanwhile.
    expect(asked.indexOf('/api/v1/stream')).toBeGreaterThanOrEqual(0);
    expect(asked.indexOf('/api/v1/stream')).toBeLessThan(asked.lastIndexOf('/api/v1/history'));
    expect(answeredAt).toBeGreaterThan(0);
    const times = (await dashboardTimes(page, 'host', 'cpu'))!;
    // History's rounds, then the stream's: about 10 rounds of 500 ms, none missing.
    expect(times.filter((t) => t <= answeredAt - 3000).length).toBeGreaterThanOrEqual(2);
    expect(times.filter((t) => t > answeredAt - 3000).length).toBeGreaterThanOrEqual(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(Math.max(...gaps)).toBeLessThan(1500);
    // No /api/v1/series round trip before the first chart: the answer said the interval.
    expect(asked).not.toContain('/api/v1/series');
    expect(errors).toEqual([]);
  });

  it('keeps the row elements of a table refilled every round', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    const rows = page.locator('#filesystems tbody tr[data-id]');
    await rows.first().waitFor({ timeout: 20_000 });
    const marked = await page.evaluate(() => {
      const trs = Array.from(
        document.querySelectorAll<HTMLElement>('#filesystems tbody tr[data-id]'),
      );
      for (const tr of trs) (tr as HTMLElement & { mark?: boolean }).mark = true;
      return trs.map((tr) => tr.dataset.id);
    });
    const at = await page.evaluate(() => (window as unknown as Win).arcboxDashboard.samples());
    await page.waitForFunction(
      (n) => (window as unknown as Win).arcboxDashboard.samples() >= n + 3,
      at,
      { timeout: 20_000 },
    );
    const kept = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('#filesystems tbody tr[data-id]')).map(
        (tr) => ({
          id: tr.dataset.id,
          mark: (tr as HTMLElement & { mark?: boolean }).mark === true,
        }),
      ),
    );
    expect(kept.map((r) => r.id).sort()).toEqual([...marked].sort());
    expect(kept.every((r) => r.mark)).toBe(true);
    expect(errors).toEqual([]);
  });

  it('moves the axis of a chart drawn from the stream only to a zoomed window, and back', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    await waitForHostPoints(page, 6);
    // The per-disk chart, or the per-interface one on a machine without a disk counted.
    const key = (await page.locator('#chart-disks').getAttribute('data-devices'))
      ? 'disks'
      : 'ifaces';
    await page.locator(`#chart-${key} .uplot`).waitFor({ timeout: 10_000 });
    const over = (await page.locator('#chart-cpu .u-over').boundingBox())!;
    const y = over.y + over.height / 2;
    await page.mouse.move(over.x + over.width * 0.3, y);
    await page.mouse.down();
    await page.mouse.move(over.x + over.width * 0.6, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForFunction(() => (window as unknown as Win).arcboxDashboard.zoom() !== null);
    const zoom = (await page.evaluate(() => (window as unknown as Win).arcboxDashboard.zoom()))!;
    // The chart (no history: drawn from the stream) shows the zoomed window once in sight.
    await page.locator(`#chart-${key}`).scrollIntoViewIfNeeded();
    await expect
      .poll(async () => {
        const axis = await dashboardXAxis(page, 'host', key);
        return axis ? [axis.min, axis.max] : null;
      })
      .toEqual([zoom.from / 1000, zoom.to / 1000]);
    // Reset: it follows the stream again, past the window's end.
    await page.click('#zoom-reset');
    // The button is at the top: the chart is drawn again once back in sight.
    await page.locator(`#chart-${key}`).scrollIntoViewIfNeeded();
    await expect
      .poll(async () => (await dashboardXAxis(page, 'host', key))?.max ?? 0, {
        timeout: 10_000,
      })
      .toBeGreaterThan(zoom.to / 1000 + 1);
    expect(errors).toEqual([]);
  });
});
