import type { ContainerReading } from '@arcbox/perf-core';
import {
  type CgroupContainerCollectorOptions,
  createCgroupContainerCollector,
} from './cgroup-container-collector.js';

export type CollectContainersOptions = CgroupContainerCollectorOptions & { signal?: AbortSignal };

/**
 * One reading of every container found (discovered plus configured), reading every file afresh
 * (no cached limits or tree walk): for one-shot use and for recordings, where each reading's
 * folder must hold everything it needs. A long-lived monitor keeps a collector instead.
 */
export async function collectContainers(
  options: CollectContainersOptions = {},
): Promise<ContainerReading[]> {
  const { signal, ...rest } = options;
  const collector = createCgroupContainerCollector({
    ...rest,
    limitsRefreshMs: 0,
    discoverEveryMs: 0,
  });
  try {
    return await collector.collect({ signal: signal ?? new AbortController().signal });
  } finally {
    collector.close();
  }
}

/**
 * One reading of one container by id (or unique id prefix), named `name` when given; null when
 * there is no such container.
 */
export async function collectContainer(
  id: string,
  name?: string,
  options: CollectContainersOptions = {},
): Promise<ContainerReading | null> {
  const { signal, ...rest } = options;
  const collector = createCgroupContainerCollector({
    ...rest,
    limitsRefreshMs: 0,
    discoverEveryMs: 0,
  });
  try {
    return await collector.collectContainer(id, {
      signal: signal ?? new AbortController().signal,
      ...(name === undefined ? {} : { name }),
    });
  } finally {
    collector.close();
  }
}
