import { constants } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Vmm } from '@arcbox/perf-core';
import type {
  CloudHypervisorTarget,
  FirecrackerTarget,
  HostInterfaceReader,
  HostThreadReader,
  QemuVmTarget,
  VmProvider,
} from '@arcbox/perf-vmm';
import type { SourcesConfig } from '../config/sources-config.js';
import { perReadingProvider } from './per-reading-provider.js';
import type { ReadingCursor } from './reading-cursor.js';
import { recordingApiGet } from './recorded-api-get.js';
import { recordingCommandRunner } from './recorded-command.js';
import { writeVmTargets } from './recorded-vm-targets.js';
import { VMM_FOLDER, vmFolder } from './recording-layout.js';

/** What the VM sources read besides their sockets, wired to the recording. */
export interface VmRecordingHost {
  vmm: typeof import('@arcbox/perf-vmm');
  /** vCPU threads and the VMM process from /proc, through the recording reader (Linux). */
  threads: HostThreadReader | null;
  /** Tap counters from /sys, through the recording reader (Linux). */
  interfaces: HostInterfaceReader | null;
  cursor: ReadingCursor;
  /** One VM's budget. */
  timeoutMs: number;
  hostCpuCount: number;
}

/** Firecracker metrics files past this are not copied (Firecracker appends a line per flush). */
const MAX_METRICS_BYTES = 64 * 1024 * 1024;

const idOf = (socket: string, suffix: RegExp) => basename(socket).replace(suffix, '');

/**
 * The providers of every enabled VMM, as the live composition makes them (same targets, same
 * discovery), each with what it reads wired into the current reading folder: QMP replies under
 * `qmp/<id>/`, REST replies and Firecracker's metrics file under `vmm/<vmm>/<id>/`, virsh's
 * output under `vmm/libvirt/`, and every target's sockets in `vmm/<vmm>/<id>/target.json`.
 */
export function recordingVmProviders(
  config: SourcesConfig['vms'],
  host: VmRecordingHost,
): { providers: VmProvider[]; vmms: Vmm[] } {
  const { vmm, cursor, threads, interfaces } = host;
  const common = {
    threads,
    clock: cursor.clock,
    timeoutMs: host.timeoutMs,
    hostCpuCount: host.hostCpuCount,
  };
  const providers: VmProvider[] = [];

  // QEMU needs its vCPU threads and taps from /proc and /sys of this host: Linux only.
  if (config.qemu.enabled && threads && interfaces) {
    const s = config.qemu;
    const configured: QemuVmTarget[] = s.sockets.map((socket) => ({
      id: idOf(socket, /\.qmp$/),
      qmpSocket: socket,
    }));
    const dir = s.socketDir ?? (s.sockets.length > 0 ? null : vmm.defaultVmDir());
    providers.push(
      vmm.createSourcesVmProvider<QemuVmTarget>({
        vmm: 'qemu',
        configured,
        discover: async () => {
          const found = dir ? await vmm.discoverVms(dir) : [];
          await writeVmTargets(cursor.folder, 'qemu', [...found, ...configured]);
          return found;
        },
        // A folder per reading: the source re-asks what it learns once per connection, so every
        // reading folder replays on its own.
        createSource: (t) =>
          vmm.createQemuVmSource(t, { ...common, interfaces, recordDir: () => cursor.folder }),
        sameTarget: (kept, found) => kept.qmpSocket === found.qmpSocket,
      }),
    );
  }

  if (config.cloudHypervisor.enabled) {
    const s = config.cloudHypervisor;
    const configured: CloudHypervisorTarget[] = s.sockets.map((socket) => ({
      id: idOf(socket, /\.sock$/),
      apiSocket: socket,
    }));
    const folder = (id: string) => () => vmFolder(cursor.folder, 'cloud-hypervisor', id);
    providers.push(
      perReadingProvider('cloud-hypervisor', () =>
        vmm.createSourcesVmProvider<CloudHypervisorTarget>({
          vmm: 'cloud-hypervisor',
          configured,
          discover: async () => {
            const found = s.socketDir ? ((await vmm.listApiSockets(s.socketDir)) ?? []) : [];
            await writeVmTargets(cursor.folder, 'cloud-hypervisor', [...found, ...configured]);
            return found;
          },
          createSource: (t) =>
            vmm.createCloudHypervisorVmSource(t, {
              ...common,
              get: recordingApiGet(
                (path, o) => vmm.httpGetJson(t.apiSocket, path, o),
                folder(t.id),
              ),
            }),
          sameTarget: (kept, found) => kept.apiSocket === found.apiSocket,
        }),
      ),
    );
  }

  if (config.firecracker.enabled) {
    const s = config.firecracker;
    // `<id>.sock` is the API socket, `<id>.metrics` beside it the metrics file.
    const configured: FirecrackerTarget[] = s.sockets.map((socket) => ({
      id: idOf(socket, /\.sock$/),
      apiSocket: socket,
      metricsPath: socket.replace(/(\.sock)?$/, '.metrics'),
    }));
    const folder = (id: string) => () => vmFolder(cursor.folder, 'firecracker', id);
    providers.push(
      perReadingProvider('firecracker', () =>
        vmm.createSourcesVmProvider<FirecrackerTarget>({
          vmm: 'firecracker',
          configured,
          discover: async () => {
            const dir = s.socketDir;
            const found: FirecrackerTarget[] = dir
              ? ((await vmm.listApiSockets(dir)) ?? []).map(({ id, apiSocket }) => ({
                  id,
                  apiSocket,
                  metricsPath: join(dir, `${id}.metrics`),
                }))
              : [];
            const all = [...found, ...configured];
            await writeVmTargets(cursor.folder, 'firecracker', all);
            for (const t of all) await copyMetrics(t.metricsPath, join(folder(t.id)(), 'metrics'));
            return found;
          },
          // The source reads the copy: exactly the bytes the recording keeps.
          createSource: (t) =>
            vmm.createFirecrackerVmSource(
              { ...t, metricsPath: join(folder(t.id)(), 'metrics') },
              {
                ...common,
                ...(t.apiSocket
                  ? {
                      get: recordingApiGet(
                        (path, o) => vmm.httpGetJson(t.apiSocket as string, path, o),
                        folder(t.id),
                      ),
                    }
                  : {}),
              },
            ),
          sameTarget: (kept, found) =>
            kept.apiSocket === found.apiSocket && kept.metricsPath === found.metricsPath,
        }),
      ),
    );
  }

  if (config.libvirt.enabled) {
    providers.push(
      vmm.createLibvirtVmProvider({
        uri: config.libvirt.uri,
        clock: cursor.clock,
        timeoutMs: host.timeoutMs,
        hostCpuCount: host.hostCpuCount,
        run: recordingCommandRunner(
          vmm.execFileRunner,
          () => join(cursor.folder, VMM_FOLDER, 'libvirt'),
          'virsh',
        ),
      }),
    );
  }
  return { providers, vmms: providers.map((p) => p.vmm) };
}

/**
 * Copies a Firecracker metrics file into the reading. Never blocks on a FIFO (opened
 * non-blocking, then only a regular file is copied); a file that cannot be copied is left out,
 * and the source then reports it missing, in the recording and its replay alike.
 */
async function copyMetrics(from: string, to: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | null = null;
  try {
    handle = await open(from, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > MAX_METRICS_BYTES) return;
    const content = await handle.readFile();
    await mkdir(join(to, '..'), { recursive: true });
    const out = await open(to, 'w');
    try {
      await out.writeFile(content);
    } finally {
      await out.close();
    }
  } catch {
    // Not there (yet), or unreadable: the source says so when it reads the copy.
  } finally {
    await handle?.close();
  }
}
