import { PerfError } from '@arcbox/perf-core';
import type { SamplerCollectors } from './create-sampler.js';

export interface OpenCollectorsOptions {
  /** Proc/sys root (`/` by default; `/host` in a container with the host's /proc and /sys). */
  root?: string;
  /** Which kinds to open: a `snapshot` of the host alone need not look for containers. */
  system?: boolean;
  containers?: boolean;
  vms?: boolean;
  /** Extra cgroups to show as containers (paths or globs), besides the runtimes' own. */
  cgroupPaths?: string[];
  qmpSockets?: string[];
  dockerSocket?: string;
}

/**
 * Opens this platform's collectors. The packages are imported on demand so a command loads
 * only what it reads (start-up time is a goal of its own).
 */
export async function openCollectors(options: OpenCollectorsOptions): Promise<SamplerCollectors> {
  if (process.platform !== 'linux') {
    throw new PerfError(
      'UNSUPPORTED_PLATFORM',
      `no collectors for ${process.platform} in this build`,
    );
  }
  const linux = await import('@arcbox/perf-linux');
  const out: SamplerCollectors = {};
  const root = options.root ?? '/';
  if (options.system !== false) out.system = linux.createLinuxSystemCollector({ root });
  if (options.containers) {
    out.containers = [
      linux.createCgroupContainerCollector({
        root,
        ...(options.cgroupPaths?.length ? { cgroupPaths: options.cgroupPaths } : {}),
      }),
    ];
  }
  return out;
}
