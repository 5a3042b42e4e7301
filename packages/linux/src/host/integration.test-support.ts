import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { promisify } from 'node:util';
import type { SystemReading } from '@arcbox/perf-core';
import { createLinuxSystemCollector, type LinuxSystemCollector } from './linux-system-collector.js';

const execFileAsync = promisify(execFile);

export const isRoot = process.getuid?.() === 0;

/** Whether an executable is on the usual system paths. */
export function hasCommand(name: string): boolean {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/bin']) {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return true;
    } catch {
      // not in this one
    }
  }
  return false;
}

/** Runs a command with an argument array (never a shell string), bounded in time. */
export async function run(
  command: string,
  args: string[],
  timeoutMs = 30_000,
): Promise<{ stdout: string; stderr: string }> {
  return execFileAsync(command, args, {
    timeout: timeoutMs,
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** Best-effort cleanup: the resource may already be gone. */
export async function tryRun(command: string, args: string[]): Promise<void> {
  await run(command, args).catch(() => undefined);
}

export function liveCollector(): {
  collector: LinuxSystemCollector;
  read: () => Promise<SystemReading>;
} {
  const collector = createLinuxSystemCollector();
  const signal = new AbortController().signal;
  return { collector, read: () => collector.collect({ signal }) };
}

/** A short random suffix for names (netns, interfaces) that other test runs may also create. */
export function suffix(): string {
  return Math.random().toString(36).slice(2, 8);
}
