import type {
  DockerContainerInspect,
  DockerContainerLifecycle,
  DockerContainerState,
} from './docker-types.js';

const STATES: ReadonlySet<string> = new Set<DockerContainerState>([
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
]);

/**
 * State, exit code, OOMKilled and restart count from inspect. Each figure is checked on its
 * own: an odd one (an unknown state, an exit code outside -2^31..2^31, a negative count) is
 * null, the others stay; the engine is not trusted to send what its API documents.
 */
export function lifecycleFromInspect(inspect: DockerContainerInspect): DockerContainerLifecycle {
  const state = inspect.State ?? {};
  const status = typeof state.Status === 'string' ? state.Status : null;
  const code = state.ExitCode;
  const count = inspect.RestartCount;
  const exited = status === 'exited' || status === 'dead';
  return {
    state: status !== null && STATES.has(status) ? (status as DockerContainerState) : null,
    exitCode:
      exited && typeof code === 'number' && Number.isInteger(code) && Math.abs(code) < 2 ** 31
        ? code
        : null,
    oomKilled: typeof state.OOMKilled === 'boolean' ? state.OOMKilled : null,
    restartCount:
      typeof count === 'number' && Number.isSafeInteger(count) && count >= 0 ? count : null,
  };
}
