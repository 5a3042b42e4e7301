import { resolveSources } from './config/resolve-sources.js';
import type { MonitorCollectors } from './monitor-collectors.js';
import { createPlatformSources } from './sources/create-platform-sources.js';

export interface PlatformCollectorOptions {
  /** Root of /proc and /sys on Linux (`/host` in a container with the host mounted). */
  root?: string;
  /** Read containers (cgroups on Linux, a Docker-compatible engine on macOS). Default true. */
  containers?: boolean;
  /** Read VMs. Default true. */
  vms?: boolean;
  /** Read filesystems. Default true. */
  filesystems?: boolean;
  /** Docker-compatible engine socket; found from DOCKER_HOST and the usual places otherwise. */
  dockerSocket?: string;
}

/**
 * The platform's default collectors with a few switches: `createPlatformSources` with the
 * defaults of `SourcesConfig` and these options applied.
 */
export async function loadPlatformCollectors(
  platform: NodeJS.Platform,
  options: PlatformCollectorOptions = {},
): Promise<MonitorCollectors> {
  const sources = resolveSources({
    ...(options.root === undefined ? {} : { root: options.root }),
    sources: {
      containers: { enabled: options.containers !== false },
      vms: { enabled: options.vms !== false },
      filesystems: { enabled: options.filesystems !== false },
      ...(options.dockerSocket ? { docker: { socket: options.dockerSocket } } : {}),
    },
  });
  return (await createPlatformSources(sources, { platform })).collectors;
}
