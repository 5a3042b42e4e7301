import { isAbsolute } from 'node:path';
import { PerfError, type Platform, type Vmm } from '@arcbox/perf-core';

/**
 * `DIR/sources.json`: which kinds a recording holds and what a replay needs to read them as the
 * recording did. Written once by `recordSamples`; read back as untrusted input.
 */
export interface RecordedSources {
  version: 1;
  platform: Platform;
  /** The root the Linux files were read under; the filesystem collector joins mount points to it. */
  root: string;
  /** Sample keys recorded: `system` always, then `containers`, `vms`, `filesystems`. */
  kinds: string[];
  containers: {
    /** `cgroups` (Linux) or `engine` (a Docker-compatible engine is the source: macOS). */
    source: 'cgroups' | 'engine';
    cgroupPaths: string[];
    discover: boolean;
    /** The engine socket whose replies are under `engine/`; null when none was asked. */
    engine: string | null;
    /**
     * Recordings made before sources.json: a reading without `proc/self/mountinfo` had its
     * containers left out (`--no-containers`), and replays with none.
     */
    legacy?: boolean;
  } | null;
  vms: {
    /** The CPUs the VM figures were read against (this process's available parallelism). */
    hostCpuCount: number | null;
    /** The VMMs read, in the order the VM collector merged them. */
    vmms: Vmm[];
  } | null;
  filesystems: {
    /** The statfs bound live, so a statfs that hung times out in the replay the same way. */
    statfsTimeoutMs: number;
  } | null;
  /** Linux processes, read from the reading's files (absent in recordings made before them). */
  processes: {
    /** The CPUs the process figures were read against. */
    hostCpuCount: number;
  } | null;
  /**
   * GPUs (absent in recordings made before them): NVIDIA's nvidia-smi output (Linux) or the
   * Mac's `ioreg -c IOAccelerator` output (`gpus/commands/ioreg.txt`) under each reading's `gpus/`.
   */
  gpus?: { source: 'nvidia-smi' | 'ioreg' } | null;
  /** Collector timeouts by sample key, as the recording ran them. */
  timeouts: Record<string, number>;
}

const KNOWN_KINDS = ['system', 'containers', 'vms', 'filesystems', 'processes', 'gpus'];
const KNOWN_VMMS: readonly Vmm[] = ['qemu', 'cloud-hypervisor', 'firecracker', 'libvirt'];
const MAX_PATHS = 1000;
const MAX_PATH_CHARS = 4096;
const MAX_TIMEOUT_MS = 60_000;

export function formatRecordedSources(sources: RecordedSources): string {
  return `${JSON.stringify(sources, null, 2)}\n`;
}

/** Parses and checks `sources.json`; anything unexpected is a PARSE_ERROR naming the field. */
export function parseRecordedSources(
  text: string,
  platform: Platform,
  file: string,
): RecordedSources {
  const fail = (field: string, message: string): never => {
    throw new PerfError('PARSE_ERROR', message, { file, field });
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new PerfError('PARSE_ERROR', 'not JSON', { file, cause });
  }
  const top = object(value) ?? fail('', 'expected a JSON object');
  if (top.version !== 1) fail('version', `unknown version ${String(top.version).slice(0, 20)}`);
  if (top.platform !== platform) fail('platform', `must be "${platform}", as recording.json says`);
  const root = path(top.root) ?? fail('root', 'must be an absolute path');
  const kinds = Array.isArray(top.kinds) ? top.kinds : fail('kinds', 'must be a list');
  if (
    !kinds.every((k) => typeof k === 'string' && KNOWN_KINDS.includes(k)) ||
    !kinds.includes('system')
  )
    fail('kinds', `must name system and any of ${KNOWN_KINDS.join(', ')}`);

  let containers: RecordedSources['containers'] = null;
  if (top.containers !== null && top.containers !== undefined) {
    const c = object(top.containers) ?? fail('containers', 'must be an object or null');
    const source =
      c.source === 'cgroups' || c.source === 'engine'
        ? c.source
        : fail('containers.source', 'must be "cgroups" or "engine"');
    const list = Array.isArray(c.cgroupPaths)
      ? c.cgroupPaths
      : fail('containers.cgroupPaths', 'must be a list');
    if (list.length > MAX_PATHS) fail('containers.cgroupPaths', `more than ${MAX_PATHS} paths`);
    const cgroupPaths = list.map(
      (p) =>
        cgroupPath(p) ??
        fail('containers.cgroupPaths', `not a cgroup path inside the recording: ${shown(p)}`),
    );
    const engine =
      c.engine === null
        ? null
        : (path(c.engine) ?? fail('containers.engine', 'must be a socket path or null'));
    if (typeof c.discover !== 'boolean') fail('containers.discover', 'must be true or false');
    containers = { source, cgroupPaths, discover: c.discover as boolean, engine };
  }

  let vms: RecordedSources['vms'] = null;
  if (top.vms !== null && top.vms !== undefined) {
    const v = object(top.vms) ?? fail('vms', 'must be an object or null');
    const count = v.hostCpuCount;
    if (!(Number.isSafeInteger(count) && (count as number) > 0 && (count as number) <= 65_536))
      fail('vms.hostCpuCount', 'must be a whole number of CPUs');
    const vmms = Array.isArray(v.vmms) ? v.vmms : fail('vms.vmms', 'must be a list');
    if (!vmms.every((m) => KNOWN_VMMS.includes(m as Vmm)) || new Set(vmms).size !== vmms.length)
      fail('vms.vmms', `must name each of ${KNOWN_VMMS.join(', ')} at most once`);
    vms = { hostCpuCount: count as number, vmms: vmms as Vmm[] };
  }

  let filesystems: RecordedSources['filesystems'] = null;
  if (top.filesystems !== null && top.filesystems !== undefined) {
    const f = object(top.filesystems) ?? fail('filesystems', 'must be an object or null');
    const ms = f.statfsTimeoutMs;
    // The Linux collector requires its statfs bound under the registry's 5 s default.
    if (!(typeof ms === 'number' && Number.isInteger(ms) && ms >= 10 && ms < 5000))
      fail('filesystems.statfsTimeoutMs', 'must be a whole number of ms from 10 to 4999');
    filesystems = { statfsTimeoutMs: ms as number };
  }

  let processes: RecordedSources['processes'] = null;
  if (top.processes !== null && top.processes !== undefined) {
    const p = object(top.processes) ?? fail('processes', 'must be an object or null');
    const count = p.hostCpuCount;
    if (!(Number.isSafeInteger(count) && (count as number) > 0 && (count as number) <= 65_536))
      fail('processes.hostCpuCount', 'must be a whole number of CPUs');
    processes = { hostCpuCount: count as number };
  }

  let gpus: RecordedSources['gpus'] = null;
  if (top.gpus !== null && top.gpus !== undefined) {
    const g = object(top.gpus) ?? fail('gpus', 'must be an object or null');
    if (g.source !== (platform === 'darwin' ? 'ioreg' : 'nvidia-smi'))
      fail('gpus.source', `must be "${platform === 'darwin' ? 'ioreg' : 'nvidia-smi'}"`);
    gpus = { source: g.source as 'nvidia-smi' | 'ioreg' };
  }

  const t = object(top.timeouts) ?? fail('timeouts', 'must be an object');
  const timeouts: Record<string, number> = {};
  for (const key of KNOWN_KINDS) {
    const ms = t[key];
    if (ms === undefined) continue;
    if (!(typeof ms === 'number' && Number.isInteger(ms) && ms > 0 && ms <= MAX_TIMEOUT_MS))
      fail(`timeouts.${key}`, `must be a whole number of ms up to ${MAX_TIMEOUT_MS}`);
    timeouts[key] = ms as number;
  }
  for (const [key, present] of [
    ['containers', containers],
    ['vms', vms],
    ['filesystems', filesystems],
    ['processes', processes],
    ['gpus', gpus],
  ] as const) {
    if (kinds.includes(key) !== (present !== null))
      fail(key, `kinds and ${key} disagree on whether ${key} were recorded`);
  }
  return {
    version: 1,
    platform,
    root,
    kinds: kinds as string[],
    containers,
    vms,
    filesystems,
    processes,
    gpus,
    timeouts,
  };
}

function object(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

function path(value: unknown): string | null {
  return typeof value === 'string' &&
    value.length <= MAX_PATH_CHARS &&
    isAbsolute(value) &&
    !value.includes('\0')
    ? value
    : null;
}

/**
 * A cgroup path or glob as `--cgroup` takes it. A `..` segment would walk out of the cgroup tree
 * (and out of the recording): refused here, before any file is read.
 */
export function cgroupPath(value: unknown): string | null {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PATH_CHARS) return null;
  if (value.includes('\0') || value.split('/').includes('..')) return null;
  return value;
}

function shown(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
