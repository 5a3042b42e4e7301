import type { ConfigIssue, SourcesConfig } from '@arcbox/perf';
import { type Command, Option } from 'commander';
import { UsageError } from '../usage-error.js';

/** The source flags as commander parses them (`--no-vms` gives `vms: false`). */
export interface SourceFlags {
  root?: string;
  cgroup?: string[];
  containers?: boolean;
  dockerSocket?: string;
  vmDir?: string;
  qmpSocket?: string[];
  chDir?: string;
  fcDir?: string;
  libvirt?: string | boolean;
  vms?: boolean;
  filesystems?: boolean;
}

/** Each flag and the key of the agent config it stands for: errors and notes name the flag. */
const flagKeys: ReadonlyArray<readonly [flag: string, key: string]> = [
  ['--root', 'root'],
  ['--cgroup', 'sources.containers.paths'],
  ['--no-containers', 'sources.containers.enabled'],
  ['--docker-socket', 'sources.docker.socket'],
  ['--vm-dir', 'sources.vms.qemu.socketDir'],
  ['--qmp-socket', 'sources.vms.qemu.sockets'],
  ['--ch-dir', 'sources.vms.cloudHypervisor.socketDir'],
  ['--fc-dir', 'sources.vms.firecracker.socketDir'],
  ['--libvirt', 'sources.vms.libvirt'],
  ['--no-vms', 'sources.vms.enabled'],
  ['--no-filesystems', 'sources.filesystems.enabled'],
];

const GROUP = 'Sources (flags win over the config file; lists add to it):';

/**
 * The same source flags on every command that samples: each stands for a key of the agent
 * config's `sources:`, and both go through @arcbox/perf's `validateSources`.
 */
export function addSourceOptions(cmd: Command): Command {
  const options = [
    new Option('--root <dir>', 'proc/sys root to read (default /; /host in a container)'),
    new Option('--cgroup <path...>', 'also watch these cgroups (paths or globs) as containers'),
    new Option('--no-containers', 'leave containers out'),
    new Option(
      '--docker-socket <path>',
      'Docker-compatible engine that names containers (default: $DOCKER_HOST, the usual places)',
    ),
    new Option(
      '--vm-dir <dir>',
      'QEMU: folder of <vm-id>.qmp sockets (default $XDG_RUNTIME_DIR/arcbox/vms, else /run/arcbox/vms)',
    ),
    new Option('--qmp-socket <path...>', 'QEMU: these QMP sockets, one VM each'),
    new Option('--ch-dir <dir>', 'Cloud Hypervisor: folder of <vm-id>.sock API sockets'),
    new Option('--fc-dir <dir>', 'Firecracker: folder of <vm-id>.sock API sockets'),
    new Option('--libvirt [uri]', 'libvirt domains through virsh (default uri qemu:///system)'),
    new Option('--no-vms', 'leave VMs out'),
    new Option('--no-filesystems', 'leave filesystems out'),
  ];
  for (const option of options) cmd.addOption(option.helpGroup(GROUP));
  return cmd;
}

type Perf = typeof import('@arcbox/perf');

/**
 * The sources a command samples: the config file's (already checked when it was read), with
 * the flags applied over them by the same `validateSources`. A bad flag is a usage error naming
 * the flag, never the config key it stands for.
 */
export function resolveCliSources(
  flags: SourceFlags,
  file: SourcesConfig | undefined,
  perf: Perf,
): SourcesConfig {
  const target = structuredClone(file ?? perf.defaultSourcesConfig());
  const checker = perf.createConfigChecker();
  if (flags.root !== undefined) {
    const root = checker.str(flags.root, ['root']);
    if (root !== undefined) target.root = root;
  }
  const vmFlags = [flags.vmDir, flags.qmpSocket, flags.chDir, flags.fcDir, flags.libvirt];
  if (flags.vms === false && vmFlags.some((v) => v !== undefined))
    checker.fail(['sources', 'vms', 'enabled'], 'cannot leave VMs out and name VM sources too');
  if (flags.containers === false && flags.cgroup !== undefined)
    checker.fail(
      ['sources', 'containers', 'enabled'],
      'cannot leave containers out and name cgroups too',
    );
  perf.validateSources(sourcesOf(flags, target), target, checker);
  if (checker.issues.length > 0) throw new UsageError(checker.issues.map(flagIssue).join('\n'));
  return target;
}

/** The flags as a `sources:` mapping; a flag that names a source switches its kind on. */
function sourcesOf(flags: SourceFlags, base: SourcesConfig): Record<string, unknown> {
  const containers: Record<string, unknown> = {};
  if (flags.containers === false) containers.enabled = false;
  if (flags.cgroup)
    Object.assign(containers, {
      enabled: true,
      paths: [...base.containers.paths, ...flags.cgroup],
    });
  const vms: Record<string, unknown> = {};
  const qemu: Record<string, unknown> = {};
  if (flags.vmDir !== undefined) qemu.socketDir = flags.vmDir;
  if (flags.qmpSocket) qemu.sockets = [...base.vms.qemu.sockets, ...flags.qmpSocket];
  if (Object.keys(qemu).length > 0) vms.qemu = qemu;
  if (flags.chDir !== undefined) vms.cloudHypervisor = { socketDir: flags.chDir };
  if (flags.fcDir !== undefined) vms.firecracker = { socketDir: flags.fcDir };
  if (flags.libvirt !== undefined && flags.libvirt !== false)
    vms.libvirt = flags.libvirt === true ? {} : { uri: flags.libvirt };
  if (Object.keys(vms).length > 0) vms.enabled = true;
  if (flags.vms === false) vms.enabled = false;
  const sources: Record<string, unknown> = {};
  if (Object.keys(containers).length > 0) sources.containers = containers;
  if (flags.dockerSocket !== undefined)
    sources.docker = { enabled: true, socket: flags.dockerSocket };
  if (Object.keys(vms).length > 0) sources.vms = vms;
  if (flags.filesystems === false) sources.filesystems = { enabled: false };
  return sources;
}

/** The flag a config key path stands for: the longest key of `flagKeys` it starts with. */
export function flagOf(path: ReadonlyArray<string | number>): string | undefined {
  const key = path.filter((p) => typeof p === 'string').join('.');
  let best: readonly [string, string] | undefined;
  for (const entry of flagKeys) {
    if (
      (key === entry[1] || key.startsWith(`${entry[1]}.`)) &&
      entry[1].length > (best?.[1].length ?? -1)
    )
      best = entry;
  }
  return best?.[0];
}

function flagIssue(issue: ConfigIssue): string {
  const flag = flagOf(issue.path) ?? issue.path.join('.');
  return `${flag}: ${issue.message}`;
}

/** Kinds a command does not show are not read at all: their sources are switched off. */
export function keepSources(
  config: SourcesConfig,
  keep: readonly string[],
  sampleKeys: readonly string[],
): SourcesConfig {
  const out = structuredClone(config) as SourcesConfig & Record<string, unknown>;
  for (const key of sampleKeys) {
    const section = out[key] as { enabled?: boolean } | undefined;
    if (!keep.includes(key) && section && typeof section.enabled === 'boolean')
      section.enabled = false;
  }
  return out;
}

/** Every path the config (file or flags) names explicitly: a source of those not found is a mistake. */
export function namedPaths(config: SourcesConfig): string[] {
  const { qemu, cloudHypervisor, firecracker } = config.vms;
  return [
    config.docker.socket,
    ...[qemu, cloudHypervisor, firecracker].flatMap((s) => [s.socketDir, ...s.sockets]),
  ].filter((p): p is string => typeof p === 'string');
}

/**
 * A note of @arcbox/perf's sources (`vms.qemu: /x does not exist (yet): no VMs there`) in the
 * words the user typed: the flag instead of the config key, when a flag gave that path.
 */
export function flagNote(note: string, flags: SourceFlags): string {
  const given: Array<[string, string | undefined]> = [
    ['--vm-dir', flags.vmDir],
    ['--ch-dir', flags.chDir],
    ['--fc-dir', flags.fcDir],
    ['--docker-socket', flags.dockerSocket],
    ...(flags.qmpSocket ?? []).map((p): [string, string] => ['--qmp-socket', p]),
  ];
  const m = /^[\w.]+: (.*)$/s.exec(note);
  if (!m?.[1]) return note;
  for (const [flag, path] of given) {
    if (path === undefined || !m[1].includes(path)) continue;
    return m[1].startsWith(path) ? `${flag} ${m[1]}` : `${flag}: ${m[1]}`;
  }
  return note;
}
