import {
  type Collector,
  type ReadingStamp,
  type SystemReading,
  throwIfAborted,
} from '@arcbox/perf-core';
import { createFileReader, type FileReader } from '../fs/file-reader.js';
import { createDeviceClassifier } from './classify-devices.js';
import { readLinuxSystem } from './read-linux-system.js';

export interface LinuxSystemCollectorOptions {
  /** Where the files come from; a kept-open reader of `root` by default (closed by `close()`). */
  reader?: FileReader;
  /** Root of proc and sys when no reader is given: `/`, or `/host` with the host's mounted. */
  root?: string;
  clock?: () => ReadingStamp;
  /** Ticks per second of /proc/stat (USER_HZ, 100). */
  clockTicks?: number;
  /**
   * Remember whether each disk is whole and each interface virtual while its name stays listed
   * (default true). Recording turns it off so the sysfs folders are consulted, and recorded, on
   * every reading.
   */
  cacheSysfs?: boolean;
}

export interface LinuxSystemCollector extends Collector<SystemReading> {
  /** Closes the kept descriptors of the reader it made (a reader passed in stays open). */
  close(): void;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The `system` collector of a Linux host: /proc/stat, meminfo, diskstats, net/dev, loadavg, PSI. */
export function createLinuxSystemCollector(
  options: LinuxSystemCollectorOptions = {},
): LinuxSystemCollector {
  const owned = options.reader === undefined;
  const reader = options.reader ?? createFileReader({ root: options.root ?? '/', keepOpen: true });
  const classifier = createDeviceClassifier({ cache: options.cacheSysfs ?? true });
  const close = () => {
    if (owned) reader.close();
  };
  return {
    name: 'system',
    async collect({ signal }) {
      throwIfAborted(signal, 'system collector');
      return readLinuxSystem(reader, {
        classifier,
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.clockTicks === undefined ? {} : { clockTicks: options.clockTicks }),
      });
    },
    close,
    [Symbol.asyncDispose]: async () => close(),
  };
}
