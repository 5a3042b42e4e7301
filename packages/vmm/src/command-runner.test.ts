// The execFile runner against real programs (coreutils): arguments reach the program as they are,
// and time, abort and output size bound it.
import { describe, expect, it } from 'vitest';
import { execFileRunner } from './command-runner.js';

const bounds = { timeoutMs: 5000, maxOutputBytes: 1024 * 1024 };

describe('execFileRunner', () => {
  it('passes arguments verbatim, with no shell to expand them', async () => {
    const args = ['a b', '$(id -u)', "'; echo pwned", '*', '`true`'];
    expect(await execFileRunner('printf', ['%s|', ...args], bounds)).toBe(`${args.join('|')}|`);
  });

  it('kills a command past its timeout: TIMEOUT, in about that time', async () => {
    const started = performance.now();
    await expect(
      execFileRunner('sleep', ['10'], { ...bounds, timeoutMs: 200 }),
    ).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('sleep 10') });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('stops on the caller’s signal: ABORTED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = performance.now();
    await expect(
      execFileRunner('sleep', ['10'], { ...bounds, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(performance.now() - started).toBeLessThan(2000);
    await expect(
      execFileRunner('true', [], { ...bounds, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('refuses output past maxOutputBytes rather than parse a cut-off part', async () => {
    await expect(
      execFileRunner('head', ['-c', '100000', '/dev/zero'], { ...bounds, maxOutputBytes: 1000 }),
    ).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringContaining('more than 1000 bytes'),
    });
    expect(
      await execFileRunner('head', ['-c', '1000', '/dev/zero'], {
        ...bounds,
        maxOutputBytes: 1000,
      }),
    ).toHaveLength(1000);
  });

  it('gives a failing command’s stderr, and says when the program is missing', async () => {
    await expect(execFileRunner('ls', ['/nonexistent-arcbox'], bounds)).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: expect.stringContaining('No such file or directory'),
    });
    await expect(execFileRunner('/nonexistent/virsh', [], bounds)).rejects.toMatchObject({
      code: 'COMMAND_FAILED',
      message: '/nonexistent/virsh not found',
    });
  });
});
