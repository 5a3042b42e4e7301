import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { removeDir, tempDir } from './testing/spawn-agent.js';

const run = promisify(execFile);
const packaging = fileURLToPath(new URL('../packaging/', import.meta.url));
const hasSystemd = existsSync('/usr/bin/systemd-analyze');

describe('service files', () => {
  it.skipIf(!hasSystemd)(
    'the systemd unit passes systemd-analyze verify (needs systemd)',
    async () => {
      const dir = await tempDir();
      try {
        const unit = join(dir, 'arcbox-perf-agent.service');
        await copyFile(join(packaging, 'arcbox-perf-agent.service'), unit);
        const { stdout, stderr } = await run('systemd-analyze', ['verify', unit]);
        expect(`${stdout}${stderr}`.trim()).toBe('');
      } finally {
        await removeDir(dir);
      }
    },
  );

  it('the unit runs the agent as its own user with reload and a stop timeout', async () => {
    const unit = await readFile(join(packaging, 'arcbox-perf-agent.service'), 'utf8');
    expect(unit).toMatch(/^DynamicUser=yes$/m);
    expect(unit).toMatch(
      /^ExecStart=\/usr\/bin\/env arcbox-perf-agent --config \/etc\/arcbox-perf\/agent\.yaml/m,
    );
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    expect(unit).toMatch(/^StateDirectory=arcbox-perf$/m);
  });

  it('the launchd plist is a well-formed property list naming the agent', async () => {
    const plist = await readFile(join(packaging, 'com.arcbox.perf-agent.plist'), 'utf8');
    expect(plist).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    // Every opened element is closed, in order (a small well-formedness check; plutil is macOS-only).
    const stack: string[] = [];
    for (const [, close, name, self] of plist
      .replace(/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>/g, '')
      .matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
      if (self) continue;
      if (close) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
    expect(plist).toContain('<string>com.arcbox.perf-agent</string>');
    expect(plist).toMatch(/<string>[^<]*dist\/main\.js<\/string>/);
  });
});
