import type { EngineLifecycle } from '@arcbox/perf-docker';
import type { ContainerCollector } from '../monitor-collectors.js';

/**
 * The cgroup containers collector with each reading's state, exit code, OOMKilled and restart
 * count from the engine (kept fresh by `lifecycle`, which the engine's `/events` invalidates).
 * The cgroup collector itself knows nothing of engines' lifecycles.
 */
export function withEngineLifecycle(
  containers: ContainerCollector,
  lifecycle: EngineLifecycle,
): ContainerCollector {
  const wrapped: ContainerCollector = {
    name: containers.name,
    collect: async (options) =>
      lifecycle.annotate(await containers.collect(options), { signal: options.signal }),
    close: () => containers.close?.(),
  };
  const one = containers.collectContainer;
  if (one) {
    wrapped.collectContainer = async (id, options) => {
      const r = await one.call(containers, id, options);
      if (r === null) return null;
      const [annotated] = await lifecycle.annotate([r], { signal: options.signal, partial: true });
      return annotated ?? r;
    };
  }
  return wrapped;
}
