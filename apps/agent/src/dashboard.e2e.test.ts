import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserTestNeeds, launchChromium } from './testing/chromium.js';
import {
  artifacts,
  dashboardChart,
  dashboardLabels,
  keepArtifact,
  lastValue,
  pageErrors,
  startDashboardAgent,
  tearDown,
  waitForHostPoints,
} from './testing/dashboard-agent.js';
import { type RunningAgent, tempDir } from './testing/spawn-agent.js';
import { createTestCgroup, type TestCgroup } from './testing/test-cgroup.js';
import { startTestVm, type TestVm } from './testing/test-qemu.js';

const needs = browserTestNeeds({ cgroups: true, qemu: true });

/**
 * The dashboard in Debian's headless Chromium driven by playwright-core: the charts draw with
 * data, the container table lists a cgroup this test made, an alert forced by a low threshold
 * shows up, and a screenshot is kept in apps/agent/.artifacts/.
 */
describe.skipIf(!needs.ready)(`dashboard in headless Chromium (${needs.reason})`, () => {
  let agent: RunningAgent;
  let cgroup: TestCgroup;
  let vm: TestVm;
  let vmDir: string;
  let browser: Browser;
  const name = `arcbox-dash-${process.pid}`;

  beforeAll(async () => {
    cgroup = await createTestCgroup(name);
    await cgroup.run();
    vmDir = await tempDir('arcbox-vm-');
    vm = await startTestVm(vmDir, `arcbox-dash-vm-${process.pid}`);
    agent = await startDashboardAgent({
      containers: [cgroup.path],
      vms: [vm.socket],
      rules: [
        '{ name: forced-memory, metric: system.memoryTotal, comparison: ">", warn: 1, description: "Forced by the test" }',
      ],
    });
    browser = await launchChromium();
  });

  afterAll(() => tearDown({ browser, agent, cgroup, vm, dirs: [vmDir] }));

  it('draws charts with data, lists the test cgroup and shows the forced alert', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    // uPlot draws into a canvas per chart; wait for several live points on every chart.
    await waitForHostPoints(page, 4);
    // CPU, memory, disk, network, load, pressure, swap; per disk and per interface as the
    // stream brings them.
    await expect
      .poll(async () => page.locator('#overview .uplot').count())
      .toBeGreaterThanOrEqual(7);
    // The CPU line is drawn: the plot's canvas is not blank where the series runs.
    const inked = await page.evaluate(() => {
      const canvas = document.querySelector('#chart-cpu canvas') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) n += 1;
      return n;
    });
    expect(inked).toBeGreaterThan(500);

    const row = page.locator(`#containers tbody tr[data-id$="${name}"]`);
    await row.waitFor({ timeout: 20_000 });
    const cpuText = await row.locator('td').nth(2).textContent();
    // The busy loop inside the cgroup shows as CPU use.
    await expect
      .poll(async () => Number.parseFloat((await row.locator('td').nth(2).textContent()) ?? ''), {
        timeout: 15_000,
      })
      .toBeGreaterThan(2);
    expect(cpuText).toMatch(/%|–/);
    await expect
      .poll(async () => Number(await row.locator('canvas.spark').getAttribute('data-points')), {
        timeout: 15_000,
      })
      .toBeGreaterThan(2);

    const vmRow = page.locator(`#vms tbody tr[data-id="${vm.id}"]`);
    await vmRow.waitFor({ timeout: 20_000 });
    expect(await vmRow.locator('td').nth(1).textContent()).toBe('qemu');
    // Named after QEMU's -name guest=, which the collector asks over QMP.
    expect(await vmRow.locator('td').nth(0).textContent()).toBe(vm.id);

    const alert = page.locator('#alerts li[data-rule="forced-memory"]');
    await alert.waitFor({ timeout: 20_000 });
    // severity, rule, series, field, the value with its unit, the thresholds with theirs, how
    // long firing, the rule's description: not "FIRING warning: system memoryTotal 1.6e10 > 1".
    const part = async (name: string) => alert.locator(`.alert-${name}`).textContent();
    expect(await part('severity')).toBe('warning');
    expect(await part('rule')).toBe('forced-memory');
    expect(await part('field')).toBe('memoryTotal');
    expect(await part('value')).toMatch(/^\d+(\.\d)? GiB$/);
    expect(await part('threshold')).toBe('> warn 1 B');
    expect(await part('age')).toMatch(/^firing for \d+ (s|min)$/);
    expect(await part('description')).toBe('Forced by the test');
    expect(await alert.getAttribute('data-severity')).toBe('warning');

    // The filesystems panel lists what the snapshot has, with df's figures.
    const snapshot = (await (await agent.get('/api/v1/snapshot')).json()) as {
      filesystems: Array<{ mountPoint: string; fsType: string; usedPercent: number | null }>;
    };
    expect(snapshot.filesystems.length).toBeGreaterThan(0);
    const fs = snapshot.filesystems[0]!;
    const fsRow = page.locator(`#filesystems tbody tr[data-id="${fs.mountPoint}"]`);
    await fsRow.waitFor({ timeout: 10_000 });
    expect(await fsRow.locator('td').nth(0).textContent()).toBe(fs.mountPoint);
    expect(await fsRow.locator('td').nth(2).textContent()).toBe(fs.fsType);
    expect(await fsRow.locator('td').nth(3).textContent()).toMatch(/\d (B|KiB|MiB|GiB|TiB)$/);
    expect(await fsRow.locator('td').nth(6).textContent()).toMatch(/^(\d+\.\d %|–)$/);
    expect(await page.locator('#filesystems thead th').allTextContents()).toEqual([
      'Mount',
      'Device',
      'Type',
      'Size',
      'Used',
      'Available',
      'Use %',
      'Inodes used / total',
      'ro',
    ]);

    // The processes panel lists the kept processes, each row by its series id.
    const procs = (await (await agent.get('/api/v1/snapshot')).json()) as {
      processes: Array<{ id: string; pid: number; comm: string }>;
    };
    expect(procs.processes.length).toBeGreaterThan(0);
    expect(procs.processes.length).toBeLessThanOrEqual(30);
    await page.locator('#processes tbody tr[data-id]').first().waitFor({ timeout: 10_000 });
    const shown = await page.locator('#processes tbody tr[data-id]').count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(30);
    const first = page.locator('#processes tbody tr[data-id]').first();
    expect(await first.locator('td').nth(0).textContent()).toMatch(/^\d+$/);
    expect(await first.locator('td').nth(3).textContent()).toMatch(/^(\d+\.\d %|–)$/);
    expect(await page.locator('#processes thead th').allTextContents()).toEqual([
      'PID',
      'Command',
      'User',
      'CPU %',
      'Resident',
      'I/O r/w',
      'Container',
      'Command line',
    ]);

    await page.selectOption('#range', '3600000');
    await page.waitForTimeout(500);
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: `${artifacts}dashboard.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('draws load, pressure, swap, a heat strip per core, a line per disk and per interface', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1400 } });
    const errors = pageErrors(page);
    await page.goto(`${agent.url}/`);
    await waitForHostPoints(page, 4);
    const snapshot = (await (await agent.get('/api/v1/snapshot')).json()) as {
      system: {
        cpuCount: number;
        swapTotal: number;
        cpuPressure: number | null;
        disks: Array<{ name: string; countedInTotal: boolean }>;
        interfaces: Array<{ name: string; loopback: boolean }>;
      };
    };
    const { system } = snapshot;
    const host = (key: string) => dashboardChart(page, 'host', key);
    // Load, against the core count drawn as a dashed line.
    expect(lastValue((await host('load'))?.load1)).toBeGreaterThan(0);
    expect(lastValue((await host('load'))?.cpuCount)).toBe(system.cpuCount);
    // Pressure (PSI) where the kernel has it, and swap against its total.
    if (system.cpuPressure !== null)
      expect(lastValue((await host('pressure'))?.cpuPressure)).not.toBeNull();
    expect(lastValue((await host('swap'))?.swapTotal)).toBe(system.swapTotal);

    // The heat strip: a row per core, a column per sample, each 0-100.
    const strip = page.locator('#cpu-cores');
    await expect
      .poll(async () => Number(await strip.getAttribute('data-columns')))
      .toBeGreaterThan(2);
    expect(Number(await strip.getAttribute('data-cores'))).toBe(system.cpuCount);
    const last = (await strip.getAttribute('data-last'))!.split(',').map(Number);
    expect(last).toHaveLength(system.cpuCount);
    for (const p of last) expect(p).toBeGreaterThanOrEqual(0);

    // A line per disk counted in the total, and per interface but loopback (8 at the most).
    const disks = system.disks.filter((d) => d.countedInTotal).map((d) => d.name);
    const ifaces = system.interfaces.filter((i) => !i.loopback).map((i) => i.name);
    expect(disks.length + ifaces.length).toBeGreaterThan(0);
    for (const [key, names] of [
      ['disks', disks],
      ['ifaces', ifaces],
    ] as const) {
      if (names.length === 0) continue;
      const drawn = (await dashboardLabels(page, 'host', key)) ?? [];
      expect(drawn.length).toBe(Math.min(8, names.length));
      for (const name of drawn) expect(names).toContain(name);
      expect(Object.keys((await host(key)) ?? {}).length).toBe(drawn.length);
    }
    const shot = join(vmDir, 'panels.png');
    await page.screenshot({ path: shot, fullPage: true });
    await keepArtifact(shot, 'overview-panels.png');
    expect(errors).toEqual([]);
  });
});
