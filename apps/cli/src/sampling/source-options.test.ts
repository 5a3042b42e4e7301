import * as perf from '@arcbox/perf';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import {
  flagNote,
  flagOf,
  keepSources,
  namedPaths,
  resolveCliSources,
  type SourceFlags,
} from './source-options.js';

const resolve = (flags: SourceFlags, file?: perf.SourcesConfig) =>
  resolveCliSources(flags, file, perf);

describe('the source flags, as @arcbox/perf sources', () => {
  it('give each source its flag: every VMM, the engine socket, the switches', () => {
    const sources = resolve({
      root: '/host',
      cgroup: ['/jobs/*'],
      dockerSocket: '/run/podman.sock',
      vmDir: '/run/vms',
      qmpSocket: ['/tmp/a.qmp'],
      chDir: '/run/ch',
      fcDir: '/run/fc',
      libvirt: true,
      filesystems: false,
    });
    expect(sources).toMatchObject({
      root: '/host',
      containers: { enabled: true, paths: ['/jobs/*'] },
      docker: { enabled: true, socket: '/run/podman.sock' },
      vms: {
        enabled: true,
        qemu: { enabled: true, socketDir: '/run/vms', sockets: ['/tmp/a.qmp'] },
        cloudHypervisor: { enabled: true, socketDir: '/run/ch' },
        firecracker: { enabled: true, socketDir: '/run/fc' },
        libvirt: { enabled: true, uri: 'qemu:///system' },
      },
      filesystems: { enabled: false },
    });
    expect(resolve({ libvirt: 'qemu:///session' }).vms.libvirt.uri).toBe('qemu:///session');
    expect(resolve({ vms: false, containers: false })).toMatchObject({
      vms: { enabled: false },
      containers: { enabled: false },
    });
  });

  it("win over the config file's sources, lists adding to the file's", () => {
    const file = perf.resolveSources({
      root: '/from-file',
      sources: {
        containers: { paths: ['/from-file'] },
        vms: { enabled: false, socketDir: '/file/vms', sockets: ['/file/a.qmp'] },
      },
    });
    const sources = resolve({ root: '/flag', cgroup: ['/flag'], vmDir: '/flag/vms' }, file);
    expect(sources.root).toBe('/flag');
    expect(sources.containers.paths).toEqual(['/from-file', '/flag']);
    // Naming a VM folder asks for VMs, whatever the file switched off.
    expect(sources.vms).toMatchObject({
      enabled: true,
      qemu: { socketDir: '/flag/vms', sockets: ['/file/a.qmp'] },
    });
    // The file's own object is left as it was.
    expect(file.root).toBe('/from-file');
    expect(resolve({}, file)).toEqual(file);
  });

  it('refuse a bad value as a usage error naming the flag, never the config key', () => {
    const message = (flags: SourceFlags) => {
      try {
        resolve(flags);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(message({ vmDir: '' })).toBe('--vm-dir: must not be empty');
    expect(message({ chDir: ' ' })).toBe('--ch-dir: must not be empty');
    expect(message({ cgroup: [''] })).toBe('--cgroup: must not be empty');
    expect(message({ libvirt: 'nope' })).toMatch(/^--libvirt: "nope" is not a libvirt URI/);
    expect(message({ root: '' })).toBe('--root: must not be empty');
    expect(message({ vms: false, vmDir: '/x' })).toMatch(/^--no-vms: /);
    expect(message({ containers: false, cgroup: ['/x'] })).toMatch(/^--no-containers: /);
  });

  it('map config key paths back to the flags', () => {
    expect(flagOf(['sources', 'vms', 'qemu', 'socketDir'])).toBe('--vm-dir');
    expect(flagOf(['sources', 'vms', 'qemu', 'sockets', 2])).toBe('--qmp-socket');
    expect(flagOf(['sources', 'vms', 'libvirt', 'uri'])).toBe('--libvirt');
    expect(flagOf(['sources', 'vms', 'enabled'])).toBe('--no-vms');
    expect(flagOf(['sources', 'history'])).toBeUndefined();
  });

  it("say the sources' notes in the flags' words when a flag gave the path", () => {
    const note = 'vms.qemu: /nope does not exist (yet): no VMs there';
    expect(flagNote(note, { vmDir: '/nope' })).toBe(
      '--vm-dir /nope does not exist (yet): no VMs there',
    );
    expect(flagNote(note, {})).toBe(note);
    expect(
      flagNote('docker: no engine socket at /x.sock: containers keep their cgroup names', {
        dockerSocket: '/x.sock',
      }),
    ).toBe('--docker-socket: no engine socket at /x.sock: containers keep their cgroup names');
  });

  it('switch off the kinds a command does not show, and list the paths named', () => {
    const sources = resolve({ vmDir: '/run/vms', dockerSocket: '/d.sock', qmpSocket: ['/a.qmp'] });
    const only = keepSources(sources, ['vms'], ['system', 'containers', 'vms', 'filesystems']);
    expect(only).toMatchObject({
      containers: { enabled: false },
      vms: { enabled: true },
      filesystems: { enabled: false },
      // Not a kind: the engine socket stays as it was.
      docker: { enabled: true },
    });
    expect(sources.containers.enabled).toBe(true);
    expect(namedPaths(sources).sort()).toEqual(['/a.qmp', '/d.sock', '/run/vms']);
  });
});
