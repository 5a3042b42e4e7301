import type { Collector, ProcessReading, ReadingStamp } from '@arcbox/perf-core';
import type { FileReader } from '@arcbox/perf-linux';

type Linux = typeof import('@arcbox/perf-linux');

/**
 * The Linux processes collector of a recording or a replay: a fresh one per reading (nothing
 * carried between readings, so each reading replays from its own files alone), with the
 * container ids the cgroup collector would discover in that reading's files.
 */
export function processCollectorOf(
  linux: Linux,
  reader: FileReader,
  clock: () => ReadingStamp,
  hostCpuCount: number,
  config: { containers: { enabled: boolean; paths: string[]; discover: boolean } },
): Collector<ProcessReading[]> {
  const { containers } = config;
  return {
    name: 'processes',
    async collect({ signal }) {
      const collector = linux.createLinuxProcessCollector({
        reader,
        clock,
        hostCpuCount,
        ...(containers.enabled
          ? {
              containers: () =>
                linux
                  .createCgroupContainerCollector({
                    reader,
                    cgroupPaths: containers.paths,
                    discover: containers.discover,
                  })
                  .discover(),
            }
          : {}),
      });
      try {
        return await collector.collect({ signal });
      } finally {
        collector.close();
      }
    },
  };
}
