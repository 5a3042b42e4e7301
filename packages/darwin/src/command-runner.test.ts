import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { createExecFileRunner, isCommandMissing } from './command-runner.js';

// Real processes: execFile works the same on Linux as on macOS.
describe('createExecFileRunner', () => {
  const runner = createExecFileRunner();
  const live = () => ({ signal: new AbortController().signal, timeoutMs: 5000 });

  it('returns stdout of a command run with an argument array, no shell', async () => {
    const r = await runner.run('echo', ['a b', '$HOME', ';', 'ls'], live());
    expect(r).toEqual({ stdout: 'a b $HOME ; ls\n', stderr: '', exitCode: 0 });
  });

  it('reports a non-zero exit with what the command printed', async () => {
    const r = await runner.run('sh', ['-c', 'echo out; echo err >&2; exit 3'], live());
    expect(r).toEqual({ stdout: 'out\n', stderr: 'err\n', exitCode: 3 });
  });

  it('sets LC_ALL=C so numbers print the same everywhere', async () => {
    const r = await runner.run('sh', ['-c', 'echo "$LC_ALL"'], live());
    expect(r.stdout).toBe('C\n');
  });

  it('throws COMMAND_FAILED for a command not on PATH', async () => {
    const error = await runner.run('arcbox-no-such-command', [], live()).catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.code).toBe('COMMAND_FAILED');
    expect(isCommandMissing(error)).toBe(true);
  });

  it('kills a command past its timeout and throws TIMEOUT', async () => {
    const error = await runner
      .run('sleep', ['30'], { signal: new AbortController().signal, timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.code).toBe('TIMEOUT');
    expect(isCommandMissing(error)).toBe(false);
  });

  it('kills a command when the signal aborts and throws ABORTED', async () => {
    const controller = new AbortController();
    const pending = runner.run('sleep', ['30'], { signal: controller.signal, timeoutMs: 60_000 });
    setTimeout(() => controller.abort(), 100);
    const error = await pending.catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.code).toBe('ABORTED');
  });

  it('does not start a command when the signal is already aborted', async () => {
    const error = await runner
      .run('arcbox-no-such-command', [], { signal: AbortSignal.abort(), timeoutMs: 1000 })
      .catch((e: unknown) => e);
    expect(PerfError.isInstance(error) && error.code).toBe('ABORTED');
  });
});
