import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  PerfError,
  type ReadingStamp,
  type SourceProblem,
  type VirtioNetReading,
  type VmReading,
} from '@arcbox/perf-core';
import { type DirOption, resolveDir } from './dir-option.js';
import type {
  HostInterfaceCounters,
  HostInterfaceReader,
  HostThreadReader,
} from './host-readers.js';
import { guardedRead } from './guarded-read.js';
import { parseBlockstats } from './parse-blockstats.js';
import { parseCpusFast, type QemuVcpu } from './parse-cpus-fast.js';
import { type BalloonGuestStats, parseGuestStats } from './parse-guest-stats.js';
import { parseInfoNetwork, type QemuNic } from './parse-info-network.js';
import { parseMemorySizeSummary } from './parse-memory-size-summary.js';
import { connectQmp, DEFAULT_QMP_TIMEOUT_MS } from './qmp-client.js';
import { QmpCommandError } from './qmp-command-error.js';
import type { QmpConnector, QmpSession } from './qmp-session.js';
import type { VmSource } from './vm-source.js';
import { isObject } from './qmp-values.js';
import { createRecordingQmpSession } from './record-qmp-session.js';

/** A QEMU VM to watch. */
export interface QemuVmTarget {
  id: string;
  /** Display name; QEMU's `-name guest=` (query-name) or the id otherwise. */
  name?: string;
  qmpSocket: string;
  /** VMM pid when the caller knows it; otherwise found from a vCPU thread or the socket holder. */
  pid?: number;
}

export type Clock = () => ReadingStamp;

export interface QemuVmSourceOptions {
  /** Opens QMP sessions; the unix-socket client by default. */
  connect?: QmpConnector;
  /** Host thread CPU (perf-linux `createProcThreadReader`); without it vCPU and process CPU are null. */
  threads?: HostThreadReader | null;
  /** Host interface counters for tap backends (perf-linux `createTapCounterReader`). */
  interfaces?: HostInterfaceReader | null;
  clock?: Clock;
  /** Budget of one VM reading, connection included (each command gets the same bound). */
  timeoutMs?: number;
  /** Balloon stats polling interval set once per connection when the guest's is off, seconds. */
  balloonPollSeconds?: number;
  /**
   * Writes every QMP reply under `<recordDir>/qmp/<vm-id>/` for replay. A function gives the
   * folder of the current reading; each reading then re-asks what is otherwise learnt once per
   * connection (NICs, balloon, memory size), so every folder replays on its own.
   */
  recordDir?: DirOption;
  hostCpuCount?: number;
}

/** One QEMU VM; `read` never throws but on abort: failures become problems of the reading. */
export type QemuVmSource = VmSource;

/** What a session learnt once at connection: it does not change while QEMU runs. */
interface SessionInfo {
  session: QmpSession;
  name: string | null;
  balloonPath: string | null;
  configuredMemory: number | null;
  nics: QemuNic[];
  pid: number | null;
  problems: SourceProblem[];
  /** vCPUs of the previous reading on this session, for reading the host side early. */
  lastCpus: QemuVcpu[] | null;
}

export const defaultClock: Clock = () => ({ monotonicMs: performance.now(), time: Date.now() });

/** The unix-socket QMP connector. */
export const socketQmpConnector: QmpConnector = (vm, options) =>
  connectQmp(vm.qmpSocket, {
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });

/**
 * Reads one QEMU VM over QMP: per-vCPU host CPU (query-cpus-fast thread ids + the host thread
 * reader), virtio-blk (query-blockstats), virtio-net (each NIC's tap backend counters turned to
 * the guest's view; user-mode networking has none: null) and guest memory (balloon guest stats,
 * else the configured size). The QMP socket stays open between readings and is reopened when
 * QEMU restarts. QEMU serves one QMP client per socket at a time: while another client holds it,
 * QEMU does not greet and the reading ends in a TIMEOUT problem rather than waiting.
 */
export function createQemuVmSource(
  target: QemuVmTarget,
  options: QemuVmSourceOptions = {},
): QemuVmSource {
  const connect = options.connect ?? socketQmpConnector;
  const clock = options.clock ?? defaultClock;
  const timeoutMs = options.timeoutMs ?? DEFAULT_QMP_TIMEOUT_MS;
  const pollSeconds = options.balloonPollSeconds ?? 2;
  const hostCpuCount = options.hostCpuCount ?? availableParallelism();
  const threads = options.threads ?? null;
  const interfaces = options.interfaces ?? null;
  let info: SessionInfo | null = null;
  let opening: Promise<SessionInfo> | null = null;

  const open = async (signal: AbortSignal): Promise<SessionInfo> => {
    let session = await connect(
      { id: target.id, qmpSocket: target.qmpSocket },
      { signal, timeoutMs },
    );
    const recordDir = options.recordDir;
    if (recordDir !== undefined) {
      session = createRecordingQmpSession(session, () =>
        join(resolveDir(recordDir), 'qmp', target.id),
      );
    }
    try {
      return await learn(session, signal);
    } catch (error) {
      session.close();
      throw error;
    }
  };

  const learn = async (session: QmpSession, signal: AbortSignal): Promise<SessionInfo> => {
    const run = (command: string, args?: Record<string, unknown>) =>
      session.execute(command, args, { signal, timeoutMs });
    const problems: SourceProblem[] = [];
    const optional = partReader(problems);
    const [name, peripherals, anon, configuredMemory, network] = await Promise.all([
      optional('qmp query-name', async () => {
        const reply = await run('query-name');
        return isObject(reply) && typeof reply.name === 'string' ? reply.name : null;
      }),
      optional('qmp qom-list /machine/peripheral', () =>
        run('qom-list', { path: '/machine/peripheral' }),
      ),
      optional('qmp qom-list /machine/peripheral-anon', () =>
        run('qom-list', { path: '/machine/peripheral-anon' }),
      ),
      optional('qmp query-memory-size-summary', async () =>
        parseMemorySizeSummary(await run('query-memory-size-summary'), problems),
      ),
      optional('qmp info network', async () => {
        const text = await run('human-monitor-command', { 'command-line': 'info network' });
        return parseInfoNetwork(typeof text === 'string' ? text : '');
      }),
    ]);
    const balloonPath =
      findChild(peripherals, '/machine/peripheral', /^child<virtio-balloon-/) ??
      findChild(anon, '/machine/peripheral-anon', /^child<virtio-balloon-/);
    if (balloonPath) {
      // Stats stay empty until polling is on; leave an interval someone else set alone.
      await optional('qmp balloon polling', async () => {
        const current = await run('qom-get', {
          path: balloonPath,
          property: 'guest-stats-polling-interval',
        });
        if (current === 0) {
          await run('qom-set', {
            path: balloonPath,
            property: 'guest-stats-polling-interval',
            value: pollSeconds,
          });
        }
      });
    }
    return {
      session,
      name,
      balloonPath,
      configuredMemory,
      nics: (network ?? []).filter((n) => n.model === null || n.model.startsWith('virtio-net')),
      pid: target.pid ?? null,
      problems,
      lastCpus: null,
    };
  };

  const ensureSession = async (signal: AbortSignal): Promise<SessionInfo> => {
    if (info && !info.session.closed) {
      // Recording into a folder per reading: write the once-learnt replies into this one too.
      if (typeof options.recordDir === 'function') info = await learn(info.session, signal);
      return info;
    }
    info = null;
    opening ??= open(signal).finally(() => {
      opening = null;
    });
    info = await opening;
    return info;
  };

  const readLive = async (signal: AbortSignal): Promise<VmReading> => {
    const current = await ensureSession(signal);
    const { session } = current;
    const run = (command: string, args?: Record<string, unknown>) =>
      session.execute(command, args, { signal, timeoutMs });
    const problems: SourceProblem[] = [...current.problems];
    const part = partReader(problems);
    // Sent together: QEMU answers in order, so one round trip's wait covers all three.
    const replies = Promise.all([
      part('qmp query-cpus-fast', async () =>
        parseCpusFast(await run('query-cpus-fast'), problems),
      ),
      part('qmp query-blockstats', async () =>
        parseBlockstats(await run('query-blockstats'), problems),
      ),
      current.balloonPath
        ? part('qmp balloon guest-stats', async () =>
            parseGuestStats(
              await run('qom-get', { path: current.balloonPath, property: 'guest-stats' }),
              problems,
            ),
          )
        : Promise.resolve(null),
    ]);
    // While QEMU answers, read the host side for the vCPU threads of the last reading (they only
    // change when QEMU restarts or hot-plugs); read again below if QEMU now lists others.
    const early =
      current.lastCpus && current.pid !== null ? readHost(current, current.lastCpus) : null;
    const [cpus, blocks, balloon] = await replies;
    const side =
      early && sameThreads(early.cpus, cpus ?? []) ? early : readHost(current, cpus ?? []);
    current.lastCpus = cpus;
    problems.push(...side.problems);
    const memory = guestMemory(balloon, current, problems);
    return {
      ...side.stamp,
      id: target.id,
      name: target.name ?? current.name ?? target.id,
      vmm: 'qemu',
      pid: side.pid,
      vcpus: side.vcpus,
      processCpuSeconds: side.processCpuSeconds,
      hostCpuCount,
      ...memory,
      blockDevices: blocks ?? [],
      netDevices: side.netDevices,
      problems,
    };
  };

  /** The host side of a reading, stamped when it is read: vCPU threads, the VMM process, taps. */
  const readHost = (current: SessionInfo, cpus: QemuVcpu[]) => {
    const problems: SourceProblem[] = [];
    // Host-side reads spoil only their own field: a bad /proc line is a problem, not a lost VM.
    const host = <T>(what: string, read: () => T | null): T | null => {
      try {
        return read();
      } catch (error) {
        problems.push(problem(what, error));
        return null;
      }
    };
    const stamp = clock();
    const pid = host('vmm pid', () => resolvePid(current, cpus, problems));
    const vcpus = cpus.map((c) => ({
      index: c.index,
      threadId: c.threadId,
      cpuSeconds:
        pid !== null && c.threadId !== null && threads
          ? host(`vcpu ${c.index} thread`, () =>
              threads.threadCpuSeconds(pid, c.threadId as number),
            )
          : null,
    }));
    return {
      cpus,
      stamp,
      pid,
      vcpus,
      processCpuSeconds:
        pid !== null && threads ? host('vmm process', () => threads.processCpuSeconds(pid)) : null,
      netDevices: current.nics.map((nic) =>
        netReading(
          nic,
          host(`net ${nic.device}`, () => tapCounters(nic, pid)),
        ),
      ),
      problems,
    };
  };

  const tapCounters = (nic: QemuNic, pid: number | null) =>
    hostSide(nic) && interfaces ? interfaces.interfaceCounters(nic.ifname as string, pid) : null;

  const resolvePid = (
    current: SessionInfo,
    cpus: QemuVcpu[],
    problems: SourceProblem[],
  ): number | null => {
    if (current.pid !== null || !threads) return current.pid;
    // The thread group of a vCPU thread: cheap and replayable. QMP's thread ids are in QEMU's pid
    // namespace, so the candidate must own every vCPU thread; else the process holding the socket.
    const tids = cpus.flatMap((c) => (c.threadId === null ? [] : [c.threadId]));
    const candidate = tids[0] === undefined ? null : (threads.processOfThread?.(tids[0]) ?? null);
    const ownsAll =
      candidate !== null && tids.every((tid) => threads.threadCpuSeconds(candidate, tid) !== null);
    current.pid = ownsAll ? candidate : (threads.socketHolder?.(target.qmpSocket) ?? null);
    if (current.pid === null)
      problems.push({ source: 'vmm pid', message: 'VMM process not found on this host' });
    return current.pid;
  };

  return {
    id: target.id,
    async read(readOptions = {}) {
      const attempt = async (signal: AbortSignal): Promise<VmReading> => {
        const reused = info !== null && !info.session.closed;
        try {
          return await readLive(signal);
        } catch (error) {
          // A kept session may have died with a QEMU that restarted since the last reading, before
          // its close was noticed: try once more on a fresh connection.
          if (!reused || !PerfError.isInstance(error) || error.code !== 'CONNECTION_ERROR')
            throw error;
          info?.session.close();
          info = null;
          return readLive(signal);
        }
      };
      return guardedRead(attempt, {
        target,
        vmm: 'qemu',
        source: 'qmp',
        timeoutMs,
        clock,
        hostCpuCount,
        signal: readOptions.signal,
        // The session may be half-way through a reply or talking to a dead QEMU: start afresh next time.
        onFailure: () => {
          info?.session.close();
          info = null;
        },
      });
    },
    close() {
      info?.session.close();
      info = null;
    },
  };
}

function guestMemory(
  balloon: BalloonGuestStats | null,
  current: SessionInfo,
  problems: SourceProblem[],
): Pick<
  VmReading,
  'memoryTotal' | 'memoryAvailable' | 'memoryUsed' | 'memoryDiskCaches' | 'memorySource'
> {
  if (balloon && balloon.total !== null) {
    const used = balloon.available === null ? null : Math.max(0, balloon.total - balloon.available);
    return {
      memoryTotal: balloon.total,
      memoryAvailable: balloon.available,
      memoryUsed: used,
      memoryDiskCaches: balloon.diskCaches,
      memorySource: 'balloon',
    };
  }
  if (balloon)
    problems.push({
      source: 'qmp balloon guest-stats',
      message: 'the guest has not reported memory stats (yet)',
    });
  return {
    memoryTotal: current.configuredMemory,
    memoryAvailable: null,
    memoryUsed: null,
    memoryDiskCaches: null,
    memorySource: current.configuredMemory === null ? null : 'configured',
  };
}

function sameThreads(a: readonly QemuVcpu[], b: readonly QemuVcpu[]): boolean {
  return (
    a.length === b.length &&
    a.every((c, i) => c.index === b[i]?.index && c.threadId === b[i]?.threadId)
  );
}

/** Tap and bridge backends have a host interface; user-mode and others do not. */
function hostSide(nic: QemuNic): boolean {
  return (nic.backendType === 'tap' || nic.backendType === 'bridge') && nic.ifname !== null;
}

/** A NIC's counters in the guest's view: what the tap receives, the guest sent. */
function netReading(nic: QemuNic, tap: HostInterfaceCounters | null): VirtioNetReading {
  return {
    device: nic.device,
    backend: hostSide(nic) ? nic.ifname : null,
    rxBytes: tap ? tap.txBytes : null,
    txBytes: tap ? tap.rxBytes : null,
    rxPackets: tap ? tap.txPackets : null,
    txPackets: tap ? tap.rxPackets : null,
  };
}

function findChild(list: unknown, parent: string, type: RegExp): string | null {
  if (!Array.isArray(list)) return null;
  for (const entry of list) {
    if (
      isObject(entry) &&
      typeof entry.type === 'string' &&
      type.test(entry.type) &&
      typeof entry.name === 'string'
    ) {
      return `${parent}/${entry.name}`;
    }
  }
  return null;
}

/**
 * Runs one part of a reading: a command QEMU refused or a reply of the wrong shape spoils that
 * part (null, and a problem); anything else (timeout, closed socket) spoils the whole reading.
 */
function partReader(problems: SourceProblem[]) {
  return async <T>(what: string, task: () => Promise<T>): Promise<T | null> => {
    try {
      return await task();
    } catch (error) {
      if (!(error instanceof QmpCommandError) && !isParseError(error)) throw error;
      problems.push(problem(what, error));
      return null;
    }
  };
}

function isParseError(error: unknown): boolean {
  return PerfError.isInstance(error) && error.code === 'PARSE_ERROR';
}

function problem(source: string, error: unknown): SourceProblem {
  const e = PerfError.from(error, 'COLLECTOR_FAILED', source);
  return { source, message: e.message, code: e.code };
}
