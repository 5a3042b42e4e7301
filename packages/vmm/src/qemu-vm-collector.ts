import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type CollectOptions, type Collector, PerfError, type VmReading } from '@arcbox/perf-core';
import {
  createQemuVmSource,
  defaultClock,
  type QemuVmSource,
  type QemuVmSourceOptions,
  type QemuVmTarget,
} from './qemu-vm-source.js';
import type { QmpConnector } from './qmp-session.js';
import { type DirOption, resolveDir } from './dir-option.js';
import { failedReading } from './failed-reading.js';
import { recheckMissingDir } from './recheck-missing-dir.js';
import { createReplayQmpSession } from './replay-qmp-session.js';
import { defaultVmDir, discoverRecordedVms, listVmDir } from './vm-dir.js';

export interface QemuVmCollectorOptions extends QemuVmSourceOptions {
  /** VMs given by configuration. */
  vms?: QemuVmTarget[];
  /**
   * Directory of `<vm-id>.qmp` sockets to discover VMs in, at every collection. Defaults to
   * `defaultVmDir()` when no `vms` are given; set `false` to turn discovery off.
   */
  vmDir?: string | false;
  /**
   * How long a missing `vmDir` is taken as still missing before it is listed again, ms; 5 s by
   * default. A host without VMs then does not pay a failed listing on every collection.
   */
  vmDirRecheckMs?: number;
  /**
   * Reads a recording made with `recordDir` instead of live sockets: VMs and replies come from it.
   * A function gives the folder of the reading being replayed.
   */
  replayDir?: DirOption;
}

export interface QemuVmCollector extends Collector<VmReading[]> {
  /** One VM by id; null when there is no such VM (no data is not an error). */
  collectVm(id: string, options?: Partial<CollectOptions>): Promise<VmReading | null>;
  /** The VMs the last collection found. */
  readonly targets: readonly QemuVmTarget[];
  close(): void;
}

/**
 * The `vms` collector: every configured and discovered QEMU VM read concurrently, one kept-open
 * QMP session each. A VM that fails gives a reading with null fields and a problem; the others
 * are unaffected. VMs whose socket disappeared are dropped and their session closed.
 */
export function createQemuVmCollector(options: QemuVmCollectorOptions = {}): QemuVmCollector {
  const replayDir = options.replayDir;
  const connect: QmpConnector | undefined = replayDir
    ? async (vm) => createReplayQmpSession(() => join(resolveDir(replayDir), 'qmp', vm.id))
    : options.connect;
  const sourceOptions: QemuVmSourceOptions = { ...options, ...(connect ? { connect } : {}) };
  const vmDir =
    options.vmDir === undefined ? (options.vms ? false : defaultVmDir()) : options.vmDir;
  const sources = new Map<string, { target: QemuVmTarget; source: QemuVmSource }>();
  let targets: QemuVmTarget[] = [];
  const listDir = vmDir
    ? recheckMissingDir(() => listVmDir(vmDir), options.vmDirRecheckMs ?? 5000)
    : async () => [];

  const refresh = async (): Promise<QemuVmTarget[]> => {
    const configured = options.vms ?? [];
    const found = replayDir ? await discoverRecordedVms(resolveDir(replayDir)) : await listDir();
    const byId = new Map<string, QemuVmTarget>();
    for (const t of [...found, ...configured]) byId.set(t.id, t); // configuration wins over discovery
    for (const [id, entry] of sources) {
      const next = byId.get(id);
      if (!next || next.qmpSocket !== entry.target.qmpSocket) {
        entry.source.close();
        sources.delete(id);
      }
    }
    for (const [id, target] of byId) {
      if (!sources.has(id))
        sources.set(id, { target, source: createQemuVmSource(target, sourceOptions) });
    }
    targets = [...byId.values()];
    return targets;
  };

  const readOne = async (target: QemuVmTarget, signal?: AbortSignal): Promise<VmReading> => {
    const entry = sources.get(target.id);
    if (!entry) throw new PerfError('INVALID_ARGUMENT', `no VM ${target.id}`);
    return entry.source.read(signal ? { signal } : {});
  };

  return {
    name: 'vms',
    get targets() {
      return targets;
    },
    async collect({ signal }) {
      let list: QemuVmTarget[];
      try {
        list = await refresh();
      } catch (error) {
        // Discovery failing leaves the configured VMs to read.
        list = options.vms ?? [];
        if (list.length === 0) throw error;
      }
      // Every VM read listens on the caller's signal at once: lift the listener warning past 10 VMs.
      setMaxListeners(Math.max(10, list.length + 10), signal);
      return Promise.all(
        list.map((t) =>
          readOne(t, signal).catch((error) => {
            if (signal.aborted) throw error;
            return failedReading(
              t,
              (options.clock ?? defaultClock)(),
              options.hostCpuCount ?? availableParallelism(),
              {
                source: 'qmp',
                message: PerfError.from(error, 'COLLECTOR_FAILED', `VM ${t.id}`).message,
              },
            );
          }),
        ),
      );
    },
    async collectVm(id, collectOptions = {}) {
      const target = (await refresh()).find((t) => t.id === id);
      return target ? readOne(target, collectOptions.signal) : null;
    },
    close() {
      for (const entry of sources.values()) entry.source.close();
      sources.clear();
    },
  };
}
