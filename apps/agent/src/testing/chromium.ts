// Test support: Debian's Chromium (apt `chromium`), driven by playwright-core, for the dashboard's
// browser tests. playwright-core downloads no browser: the Debian one is the one CI installs.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { canMakeCgroups } from './test-cgroup.js';
import { hasQemu } from './test-qemu.js';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

/**
 * Whether a browser test can run here, and the words its title gives for when it cannot:
 * Debian chromium always, root (cgroups it makes) and qemu-system-x86 when asked.
 */
export function browserTestNeeds(needs: { cgroups?: boolean; qemu?: boolean } = {}): {
  ready: boolean;
  reason: string;
} {
  const wanted = [
    needs.cgroups ? 'root' : null,
    'Debian chromium',
    needs.qemu ? 'qemu-system-x86' : null,
  ].filter((w) => w !== null);
  const ready = hasChromium && (!needs.cgroups || canMakeCgroups) && (!needs.qemu || hasQemu);
  const last = wanted.pop();
  return {
    ready,
    reason: `needs ${wanted.length > 0 ? `${wanted.join(', ')} and ${last}` : last}`,
  };
}

/** Headless Chromium as the tests run it: no sandbox (root), no GPU, nothing fetched by itself. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
