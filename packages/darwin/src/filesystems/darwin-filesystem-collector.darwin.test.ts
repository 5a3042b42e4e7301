import { computeFilesystemMetrics } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { type CommandRunner, createExecFileRunner } from '../command-runner.js';
import { createDarwinFilesystemCollector } from './darwin-filesystem-collector.js';

// Runs on macOS only (see vitest.config.ts): the GitHub Actions macos-latest job.
describe('darwin filesystem collector on this Mac', () => {
  it('lists the APFS volumes with their container, one process per reading', async () => {
    const calls: string[] = [];
    const real = createExecFileRunner();
    const counting: CommandRunner = {
      run: (command, args, options) => {
        calls.push([command, ...args].join(' '));
        return real.run(command, args, options);
      },
    };
    const collector = createDarwinFilesystemCollector({ run: counting });
    const readings = await collector.collect({ signal: new AbortController().signal });
    expect(calls).toEqual(['mount']);

    expect(readings.some((r) => ['devfs', 'autofs'].includes(r.fsType))).toBe(false);
    const root = readings.find((r) => r.mountPoint === '/');
    const data = readings.find((r) => r.mountPoint === '/System/Volumes/Data');
    // macOS 11 and later: a sealed, read-only system snapshot at / and the Data volume beside it.
    expect(root).toMatchObject({ fsType: 'apfs', readOnly: true, problems: [] });
    expect(data).toMatchObject({ fsType: 'apfs', readOnly: false, problems: [] });
    expect(root?.sharedSpace).toMatch(/^disk\d+$/);
    expect(data?.sharedSpace).toBe(root?.sharedSpace);
    // statfs reports the container for every volume of it (SEMANTICS, Filesystems): one size.
    expect(root?.sizeBytes).toBeGreaterThan(0);
    expect(data?.sizeBytes).toBe(root?.sizeBytes);
    const m = computeFilesystemMetrics(null, data!);
    expect(m.usedPercent).toBeGreaterThan(0);
    expect(m.usedPercent!).toBeLessThanOrEqual(100);
    expect(m.availableBytes!).toBeLessThanOrEqual(m.sizeBytes!);
  });
});
