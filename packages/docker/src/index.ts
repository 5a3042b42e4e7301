export { createDockerClient, engineOf, limitsFromInspect } from './docker-client.js';
export { lifecycleFromInspect } from './lifecycle-from-inspect.js';
export { createEngineLifecycle } from './engine-lifecycle.js';
export type {
  EngineLifecycle,
  EngineLifecycleFields,
  EngineLifecycleOptions,
} from './engine-lifecycle.js';
export { parseEngineEvent, watchEngineEvents } from './watch-engine-events.js';
export type {
  EngineEvent,
  EngineEventType,
  WatchEngineEventsOptions,
} from './watch-engine-events.js';
export type { DockerClient, DockerClientOptions, RequestOptions } from './docker-client.js';
export { createDockerContainerCollector } from './docker-container-collector.js';
export type { DockerContainerCollectorOptions } from './docker-container-collector.js';
export {
  DEFAULT_DOCKER_SOCKET,
  dockerSocketCandidates,
  resolveDockerSocket,
} from './docker-socket.js';
export { dockerPreviousReading, dockerStatsToReading } from './docker-stats-to-reading.js';
export type { DockerStatsContext } from './docker-stats-to-reading.js';
export type {
  DockerContainer,
  DockerContainerInspect,
  DockerContainerLimits,
  DockerContainerLifecycle,
  DockerContainerState,
  DockerContainerSummary,
  DockerEngineKind,
  DockerInfo,
  DockerStats,
  DockerVersion,
} from './docker-types.js';
export { createConcurrencyLimit } from './limit-concurrency.js';
export { unixHttpGet } from './unix-http-get.js';
export type { UnixHttpGetOptions, UnixHttpResponse } from './unix-http-get.js';
