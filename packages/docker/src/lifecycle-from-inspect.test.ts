import { describe, expect, it } from 'vitest';
import { lifecycleFromInspect } from './lifecycle-from-inspect.js';

describe('lifecycleFromInspect (constructed replies)', () => {
  it('reads state, exit code, OOMKilled and restart count', () => {
    expect(
      lifecycleFromInspect({
        RestartCount: 2,
        State: { Status: 'exited', ExitCode: 137, OOMKilled: true },
      }),
    ).toEqual({ state: 'exited', exitCode: 137, oomKilled: true, restartCount: 2 });
  });

  it('a running container has no exit code; odd figures are null one by one (hostile engine)', () => {
    expect(lifecycleFromInspect({ State: { Status: 'running', ExitCode: 0 } }).exitCode).toBeNull();
    const odd = lifecycleFromInspect({
      RestartCount: -1,
      State: { Status: 'zombie', ExitCode: 2 ** 40, OOMKilled: 'yes' as never },
    });
    expect(odd).toEqual({ state: null, exitCode: null, oomKilled: null, restartCount: null });
    expect(lifecycleFromInspect({ RestartCount: 1e300 }).restartCount).toBeNull();
    expect(lifecycleFromInspect({}).state).toBeNull();
  });
});
