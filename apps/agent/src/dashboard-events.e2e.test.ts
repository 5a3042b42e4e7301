import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import {
  dashboardLabels,
  keepArtifact,
  pageErrors,
  startDashboardAgent,
  tearDown,
} from './testing/dashboard-agent.js';
import { type RunningAgent, tempDir } from './testing/spawn-agent.js';
import { createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';

const needs = browserTestNeeds({ cgroups: true });
const gpuLines = fileURLToPath(new URL('./__fixtures__/query-gpu-a10g-t4.csv', import.meta.url));

/**
 * The overview's Events list and GPU panel in Debian's headless Chromium. A real OOM kill: a
 * process allocating without end in a cgroup made here with a 64 MiB limit; the list shows it
 * live (SSE) and after a reload (/api/v1/events). GPUs: no GPU here, so a stand-in nvidia-smi on
 * the agent's PATH prints the constructed A10G and T4 lines of __fixtures__ (PROVENANCE.md) and
 * the agent's own GPU collector reads them; the panel is hidden until the gpu kind has series.
 */
describe.skipIf(!needs.ready)(`dashboard events and GPU panel (${needs.reason})`, () => {
  let agent: RunningAgent;
  let cgroup: TestCgroup;
  let browser: Browser;
  let dir: string;
  const name = `arcbox-dash-oom-${process.pid}`;

  beforeAll(async () => {
    dir = await tempDir('arcbox-dash-events-');
    const lines = (await readFile(gpuLines, 'utf8')).trim();
    const smi = join(dir, 'nvidia-smi');
    await writeFile(
      smi,
      `#!/bin/sh\ncase "$*" in\n  *--query-compute-apps*) exit 0 ;;\n  *-x) exit 1 ;;\nesac\nwhile :; do cat <<'EOF'\n${lines}\nEOF\nsleep 0.5; done\n`,
    );
    await chmod(smi, 0o755);
    cgroup = await createTestCgroup(name);
    await cgroup.limit({ memoryBytes: 64 * 2 ** 20 });
    agent = await startDashboardAgent({
      containers: [cgroup.path],
      extra: ['history: { flushInterval: 1s }'],
      env: { PATH: `${dir}:${process.env.PATH}` },
    });
    browser = await launchChromium();
  });

  afterAll(() => tearDown({ browser, agent, cgroup, dirs: [dir] }));

  it('lists a real OOM kill live and after a reload; shows the GPUs the agent reads', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1200 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    await page.locator(`#containers tbody tr[data-id$="${name}"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator('#events li.none').textContent()).toBe('No events');

    // A process that allocates until the kernel's OOM killer ends it.
    const child = await cgroup.run(
      `exec "${process.execPath}" -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1))"`,
    );
    await new Promise((resolve) => child.once('exit', resolve));
    expect(child.signalCode).toBe('SIGKILL');
    const live = page.locator('#events li[data-type="oom-kill"]');
    await live.first().waitFor({ timeout: 20_000 });
    expect(await live.first().textContent()).toMatch(
      new RegExp(`^${name} OOM-killed, limit 64\\.0 MiB · \\d+ s ago$`),
    );
    expect(await live.first().getAttribute('class')).toContain('critical');
    // After a reload it comes from /api/v1/events, once.
    await page.reload();
    await page.locator('#events li[data-type="oom-kill"]').first().waitFor({ timeout: 10_000 });
    expect(await page.locator('#events li[data-type="oom-kill"]').count()).toBe(1);

    // GPUs: the panel, a line per GPU on each chart, and the table.
    await page.locator('#gpus-section').waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('#gpus tbody tr[data-id]').nth(1).waitFor({ timeout: 10_000 });
    const rows = await page.locator('#gpus tbody tr[data-id] td:first-child').allTextContents();
    expect(rows.sort()).toEqual(['NVIDIA A10G', 'Tesla T4']);
    const t4 = page.locator('#gpus tbody tr[data-id="GPU-d37e67a5-91dd-3774-a5cb-99096249601a"]');
    expect(await t4.locator('td').nth(3).textContent()).toBe('1.0 GiB / 15.0 GiB');
    expect(await t4.locator('td').nth(4).textContent()).toBe('40 °C');
    await expect
      .poll(async () => (await dashboardLabels(page, 'host', 'gpuBusy'))?.length ?? 0, {
        timeout: 10_000,
      })
      .toBe(2);
    expect((await dashboardLabels(page, 'host', 'gpuMemory'))?.length).toBe(2);
    const shot = join(dir, 'events-gpus.png');
    await page.screenshot({ path: shot, fullPage: true });
    await keepArtifact(shot, 'overview-events-gpus.png');
    expect(errors).toEqual([]);
  });
});
