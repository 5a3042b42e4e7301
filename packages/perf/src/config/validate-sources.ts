import { MAX_PROCESS_LIMIT } from '@arcbox/perf-core';
import type { ConfigChecker, ConfigObject, ConfigPath } from './config-checker.js';
import type { SourceSwitch, SourcesConfig, VmmSockets } from './sources-config.js';

/** A source's timeout: long enough to read, short enough that a round stays a round. */
const TIMEOUT = { min: 10, max: 60_000 };

/**
 * Checks a `sources` mapping (the agent file's `sources:`, or the CLI's flags shaped like it)
 * into `target`, recording every problem with its key path. Unknown keys are problems.
 */
export function validateSources(
  input: unknown,
  target: SourcesConfig,
  c: ConfigChecker,
  path: ConfigPath = ['sources'],
): void {
  const sources = c.section(input, path);
  if (!sources) return;
  c.known(sources, path, [
    'system',
    'containers',
    'docker',
    'vms',
    'filesystems',
    'processes',
    'gpus',
  ]);
  const at = (key: string) => [...path, key];
  const switchable = (s: ConfigObject, p: ConfigPath, t: SourceSwitch, extra: string[]) => {
    c.known(s, p, ['enabled', 'timeout', ...extra]);
    if ('enabled' in s) set(c.bool(s.enabled, [...p, 'enabled']), (v) => (t.enabled = v));
    if ('timeout' in s)
      set(
        c.duration(s.timeout, [...p, 'timeout'], TIMEOUT.min, TIMEOUT.max),
        (v) => (t.timeoutMs = v),
      );
  };

  if ('system' in sources) {
    // The host has no `enabled`: it is always sampled.
    const s = c.section(sources.system, at('system'));
    if (s) {
      c.known(s, at('system'), ['timeout']);
      if ('timeout' in s)
        set(
          c.duration(s.timeout, [...at('system'), 'timeout'], TIMEOUT.min, TIMEOUT.max),
          (v) => (target.system.timeoutMs = v),
        );
    }
  }
  if ('containers' in sources) {
    const p = at('containers');
    const s = c.section(sources.containers, p);
    const t = target.containers;
    if (s) {
      switchable(s, p, t, ['discover', 'paths']);
      if ('discover' in s) set(c.bool(s.discover, [...p, 'discover']), (v) => (t.discover = v));
      if ('paths' in s) set(c.strList(s.paths, [...p, 'paths']), (v) => (t.paths = v));
    }
  }
  if ('docker' in sources) {
    const p = at('docker');
    const s = c.section(sources.docker, p);
    const t = target.docker;
    if (s) {
      switchable(s, p, t, ['socket']);
      if ('socket' in s) set(c.str(s.socket, [...p, 'socket']), (v) => (t.socket = v));
    }
  }
  if ('vms' in sources) {
    const p = at('vms');
    const s = c.section(sources.vms, p);
    const t = target.vms;
    if (s) {
      switchable(s, p, t, [
        'socketDir',
        'sockets',
        'qemu',
        'cloudHypervisor',
        'firecracker',
        'libvirt',
      ]);
      // `socketDir` and `sockets` right under `vms` are QEMU's, as before VMMs had sections.
      vmmSockets(s, p, t.qemu, c, false);
      for (const vmm of ['qemu', 'cloudHypervisor', 'firecracker'] as const) {
        if (!(vmm in s)) continue;
        const section = c.section(s[vmm], [...p, vmm]);
        if (section) vmmSockets(section, [...p, vmm], t[vmm], c, true);
      }
      if ('libvirt' in s) {
        const lp = [...p, 'libvirt'];
        const l = c.section(s.libvirt, lp);
        if (l) {
          c.known(l, lp, ['enabled', 'uri']);
          // Naming the section turns it on unless it says otherwise.
          t.libvirt.enabled = true;
          if ('enabled' in l)
            set(c.bool(l.enabled, [...lp, 'enabled']), (v) => (t.libvirt.enabled = v));
          if ('uri' in l) {
            const uri = c.str(l.uri, [...lp, 'uri'], { maxLength: 512 });
            if (uri !== undefined && !/^[a-z][a-z0-9+]*:\/\//.test(uri))
              c.fail([...lp, 'uri'], `"${uri}" is not a libvirt URI (e.g. "qemu:///system")`);
            else set(uri, (v) => (t.libvirt.uri = v));
          }
        }
      }
    }
  }
  if ('filesystems' in sources) {
    const p = at('filesystems');
    const s = c.section(sources.filesystems, p);
    if (s) {
      switchable(s, p, target.filesystems, ['interval']);
      if ('interval' in s)
        set(
          c.duration(s.interval, [...p, 'interval'], 1000, 3_600_000),
          (v) => (target.filesystems.intervalMs = v),
        );
    }
  }
  if ('processes' in sources) {
    const p = at('processes');
    const s = c.section(sources.processes, p);
    const t = target.processes;
    if (s) {
      switchable(s, p, t, ['limit', 'containers', 'interval']);
      if ('limit' in s)
        set(c.num(s.limit, [...p, 'limit'], 1, MAX_PROCESS_LIMIT, true), (v) => (t.limit = v));
      if ('containers' in s)
        set(c.strList(s.containers, [...p, 'containers'], 100), (v) => (t.containers = v));
      if ('interval' in s)
        set(c.duration(s.interval, [...p, 'interval'], 1000, 3_600_000), (v) => (t.intervalMs = v));
    }
  }

  if ('gpus' in sources) {
    const p = at('gpus');
    const s = c.section(sources.gpus, p);
    const t = target.gpus;
    if (s) {
      switchable(s, p, t, ['interval', 'appsInterval']);
      if ('interval' in s)
        set(c.duration(s.interval, [...p, 'interval'], 100, 60_000), (v) => (t.intervalMs = v));
      if ('appsInterval' in s)
        set(
          c.duration(s.appsInterval, [...p, 'appsInterval'], 1000, 3_600_000),
          (v) => (t.appsIntervalMs = v),
        );
    }
  }
}

function vmmSockets(
  s: ConfigObject,
  p: ConfigPath,
  t: VmmSockets,
  c: ConfigChecker,
  ownSection: boolean,
): void {
  if (ownSection) {
    c.known(s, p, ['enabled', 'socketDir', 'sockets']);
    // Naming the section turns it on unless it says otherwise.
    t.enabled = true;
    if ('enabled' in s) set(c.bool(s.enabled, [...p, 'enabled']), (v) => (t.enabled = v));
  }
  if ('socketDir' in s) set(c.str(s.socketDir, [...p, 'socketDir']), (v) => (t.socketDir = v));
  if ('sockets' in s) set(c.strList(s.sockets, [...p, 'sockets']), (v) => (t.sockets = v));
}

function set<T>(value: T | undefined, apply: (v: T) => void): void {
  if (value !== undefined) apply(value);
}
