import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import {
  dashboardChart,
  dashboardLabels,
  dashboardView,
  keepArtifact,
  measured,
  pageErrors,
  startDashboardAgent,
  tearDown,
} from './testing/dashboard-agent.js';
import { type RunningAgent, tempDir } from './testing/spawn-agent.js';
import { startTestVm, type TestVm } from './testing/test-qemu.js';

const needs = browserTestNeeds({ qemu: true });
const view = dashboardView;
const chart = (page: Page, key: string) => dashboardChart(page, 'vm', key);
const labels = (page: Page, key: string) => dashboardLabels(page, 'vm', key);

/**
 * The VM page in Debian's headless Chromium against a real agent and a real QEMU (2 vCPUs,
 * 64 MiB, TCG, no guest) over QMP: clicking the VM's row opens #/vm/<id>, the vCPU chart has one
 * line per vCPU with live points, guest memory's total is the configured 64 MiB, back returns.
 */
describe.skipIf(!needs.ready)(`dashboard VM page (${needs.reason})`, () => {
  let agent: RunningAgent;
  let vm: TestVm;
  let vmDir: string;
  let browser: Browser;

  beforeAll(async () => {
    vmDir = await tempDir('arcbox-dash-vm-');
    vm = await startTestVm(vmDir, `arcbox-dash-vmpage-${process.pid}`);
    agent = await startDashboardAgent({ containers: [], vms: [vm.socket] });
    browser = await launchChromium();
  });

  afterAll(() => tearDown({ browser, agent, vm, dirs: [vmDir] }));

  it('opens from the row and draws one line per vCPU, memory against the total', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    const row = page.locator(`#vms tbody tr[data-id="${vm.id}"]`);
    await row.waitFor({ timeout: 20_000 });
    await row.locator('td').nth(1).click();
    await page.waitForFunction(() => location.hash.startsWith('#/vm/'));
    expect(new URL(page.url()).hash).toBe(`#/vm/${encodeURIComponent(vm.id)}`);
    expect(await view(page)).toEqual({ page: 'vm', id: vm.id });
    expect(await page.locator('#vm-title').textContent()).toBe(vm.id);
    expect(await page.locator('#vm-facts dd[data-fact="vCPUs"]').textContent()).toBe('2');

    // One series per vCPU, as uPlot draws them, each with points from the stream.
    await page.locator('#vm-chart-vcpus .uplot').waitFor({ timeout: 10_000 });
    expect(await labels(page, 'vcpus')).toEqual(['vCPU 0', 'vCPU 1']);
    await expect
      .poll(
        async () => {
          const c = await chart(page, 'vcpus');
          return Math.min(measured(c?.vcpu0), measured(c?.vcpu1));
        },
        { timeout: 15_000 },
      )
      .toBeGreaterThanOrEqual(3);
    const vcpus = (await chart(page, 'vcpus'))!;
    for (const col of [vcpus.vcpu0!, vcpus.vcpu1!])
      for (const v of col) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);

    // Guest memory: the configured size (-m 64) as the total line.
    await expect
      .poll(async () => (await chart(page, 'memory'))?.memoryTotal?.findLast((v) => v !== null), {
        timeout: 10_000,
      })
      .toBe(64 * 1024 * 1024);
    expect(await page.locator('#vm-view .uplot').count()).toBe(5);
    // The devices table sorts as the overview's tables do: by device, the other way on a click.
    const deviceHeaders = page.locator('#vm-devices thead th');
    expect(await deviceHeaders.nth(1).getAttribute('aria-sort')).toBe('ascending');
    await deviceHeaders.nth(1).click();
    expect(await deviceHeaders.nth(1).getAttribute('aria-sort')).toBe('descending');

    const shot = join(vmDir, 'vm-page.png');
    await page.screenshot({ path: shot, fullPage: true });
    const png = await readFile(shot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(10_000);
    await keepArtifact(shot, 'vm-page.png');

    await page.goBack();
    await page.waitForFunction(() => location.hash === '');
    expect(await view(page)).toEqual({ page: 'overview' });
    expect(await page.locator('#overview').isVisible()).toBe(true);
    expect(await page.locator('#vm-view').isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});
