import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import { pageErrors, startDashboardAgent, tearDown } from './testing/dashboard-agent.js';
import type { RunningAgent } from './testing/spawn-agent.js';

const needs = browserTestNeeds();
const token = 'dash-t0ken-9f3a';

type Dashboard = { arcboxDashboard?: { points(): Record<string, number>; samples(): number } };

/**
 * A token-protected agent in Debian's headless Chromium: without the token the page says it is
 * unauthorised (not an empty, healthy-looking page); a wrong token is refused; the right one,
 * typed into the form, brings the data, and it is only ever sent in a header.
 */
describe.skipIf(!needs.ready)(`dashboard with a token (${needs.reason})`, () => {
  let agent: RunningAgent;
  let browser: Browser;

  beforeAll(async () => {
    agent = await startDashboardAgent({ extra: [`authToken: ${token}`] });
    browser = await launchChromium();
  });

  afterAll(() => tearDown({ browser, agent }));

  it('asks for the token, refuses a wrong one, shows data with the right one', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors = pageErrors(page);
    const requests: Request[] = [];
    page.on('request', (r) => requests.push(r));

    await page.goto(`${agent.url}/`);
    await page.locator('#auth').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#status').textContent()).toBe('unauthorised');
    expect(await page.locator('#auth-message').textContent()).toMatch(/asks for its token/);
    // Nothing of the overview is on screen: no "No alerts" or "No containers" that look healthy.
    expect(await page.locator('#overview').isVisible()).toBe(false);
    expect(await page.getByText('No containers', { exact: true }).isVisible()).toBe(false);
    expect(await page.getByText('No alerts', { exact: true }).isVisible()).toBe(false);

    await page.fill('#auth-token', 'wrong-token');
    await page.click('#auth-form button');
    await page.waitForFunction(
      () => document.getElementById('auth-message')?.textContent?.includes('refused'),
      undefined,
      { timeout: 10_000 },
    );
    expect(await page.locator('#overview').isVisible()).toBe(false);

    await page.fill('#auth-token', token);
    await page.click('#auth-form button');
    await page.waitForFunction(
      () => {
        const d = (window as unknown as Dashboard).arcboxDashboard;
        return d !== undefined && d.samples() >= 2 && d.points().cpu! >= 2;
      },
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('#auth').isVisible()).toBe(false);
    expect(await page.locator('#overview').isVisible()).toBe(true);
    expect(await page.locator('#status').textContent()).toMatch(/^live/);

    // Kept for the session: a reload does not ask again.
    await page.reload();
    await page.waitForFunction(
      () => ((window as unknown as Dashboard).arcboxDashboard?.samples() ?? 0) >= 1,
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('#auth').isVisible()).toBe(false);

    // The token went in a header, on the stream too, and never in a URL.
    const api = requests.filter((r) => new URL(r.url()).pathname.startsWith('/api/'));
    expect(api.some((r) => new URL(r.url()).pathname === '/api/v1/stream')).toBe(true);
    for (const r of api) expect(r.url()).not.toContain(token);
    const stream = api.filter((r) => new URL(r.url()).pathname === '/api/v1/stream').at(-1)!;
    expect((await stream.allHeaders()).authorization).toBe(`Bearer ${token}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('takes an old ?token= link into the session and out of the address bar', async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${agent.url}/?token=${token}#/`);
    await page.waitForFunction(
      () => ((window as unknown as Dashboard).arcboxDashboard?.samples() ?? 0) >= 1,
      undefined,
      { timeout: 20_000 },
    );
    expect(page.url()).toBe(`${agent.url}/#/`);
    expect(await page.locator('#auth').isVisible()).toBe(false);
    // Only the link itself carried it; no call the page made did.
    expect(urls.filter((u) => u.includes(token))).toEqual([`${agent.url}/?token=${token}`]);
    await context.close();
  });
});
