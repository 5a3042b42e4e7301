import { join } from 'node:path';
import type { Vmm } from '@arcbox/perf-core';
import type {
  CloudHypervisorTarget,
  FirecrackerTarget,
  HostInterfaceReader,
  HostThreadReader,
  QemuVmTarget,
  VmProvider,
} from '@arcbox/perf-vmm';
import { perReadingProvider } from './per-reading-provider.js';
import type { ReadingCursor } from './reading-cursor.js';
import { replayApiGet } from './recorded-api-get.js';
import { replayCommandRunner } from './recorded-command.js';
import { readVmTarget, readVmTargets } from './recorded-vm-targets.js';
import type { RecordedTree } from './recording-files.js';
import { isSafeName, QMP_FOLDER, VMM_FOLDER } from './recording-layout.js';

/** What the replayed VM sources read besides their replies: the recorded /proc and /sys. */
export interface VmReplayHost {
  vmm: typeof import('@arcbox/perf-vmm');
  threads: HostThreadReader | null;
  interfaces: HostInterfaceReader | null;
  cursor: ReadingCursor;
  /** The reading being replayed, through the recording's checks. */
  tree: () => RecordedTree;
  timeoutMs: number;
  hostCpuCount: number;
}

/**
 * The providers of the VMMs a recording holds, in the order it merged them, each made as the
 * recording made it (the QEMU sources kept across readings, the others afresh per reading) and
 * answering from the reading being replayed.
 */
export function replayVmProviders(vmms: readonly Vmm[], host: VmReplayHost): VmProvider[] {
  const { vmm, cursor, tree } = host;
  const common = {
    threads: host.threads,
    clock: cursor.clock,
    timeoutMs: host.timeoutMs,
    hostCpuCount: host.hostCpuCount,
  };
  const make: Record<Vmm, () => VmProvider | null> = {
    qemu: () =>
      host.threads && host.interfaces
        ? vmm.createSourcesVmProvider<QemuVmTarget>({
            vmm: 'qemu',
            configured: [],
            discover: async () => recordedQemuTargets(tree()),
            createSource: (t) =>
              vmm.createQemuVmSource(t, {
                ...common,
                interfaces: host.interfaces,
                connect: async (vm) =>
                  vmm.createReplayQmpSession(() => join(cursor.folder, QMP_FOLDER, vm.id), {
                    read: async (file) => tree().readText(file),
                  }),
              }),
            sameTarget: (kept, found) => kept.qmpSocket === found.qmpSocket,
          })
        : null,
    'cloud-hypervisor': () =>
      perReadingProvider('cloud-hypervisor', () =>
        vmm.createSourcesVmProvider<CloudHypervisorTarget>({
          vmm: 'cloud-hypervisor',
          configured: [],
          discover: async () =>
            readVmTargets(tree(), 'cloud-hypervisor').flatMap((t) =>
              t.apiSocket ? [{ id: t.id, apiSocket: t.apiSocket }] : [],
            ),
          createSource: (t) =>
            vmm.createCloudHypervisorVmSource(t, {
              ...common,
              get: replayApiGet(tree, join(VMM_FOLDER, 'cloud-hypervisor', t.id)),
            }),
          sameTarget: (kept, found) => kept.apiSocket === found.apiSocket,
        }),
      ),
    firecracker: () =>
      perReadingProvider('firecracker', () =>
        vmm.createSourcesVmProvider<FirecrackerTarget>({
          vmm: 'firecracker',
          configured: [],
          discover: async () =>
            readVmTargets(tree(), 'firecracker').flatMap((t) =>
              t.metricsPath
                ? [
                    {
                      id: t.id,
                      metricsPath: t.metricsPath,
                      ...(t.apiSocket ? { apiSocket: t.apiSocket } : {}),
                    },
                  ]
                : [],
            ),
          createSource: (t) => {
            const folder = join(VMM_FOLDER, 'firecracker', t.id);
            // The source opens the file itself: it is checked (a regular file, no link, within
            // the size cap) through the recording first.
            tree().readText(join(folder, 'metrics'));
            return vmm.createFirecrackerVmSource(
              { ...t, metricsPath: join(tree().root, folder, 'metrics') },
              { ...common, ...(t.apiSocket ? { get: replayApiGet(tree, folder) } : {}) },
            );
          },
          sameTarget: (kept, found) =>
            kept.apiSocket === found.apiSocket && kept.metricsPath === found.metricsPath,
        }),
      ),
    libvirt: () =>
      vmm.createLibvirtVmProvider({
        clock: cursor.clock,
        timeoutMs: host.timeoutMs,
        hostCpuCount: host.hostCpuCount,
        run: replayCommandRunner(tree, join(VMM_FOLDER, 'libvirt'), 'virsh'),
      }),
  };
  return vmms.flatMap((name) => make[name]() ?? []);
}

/**
 * The QEMU VMs of a reading: one `qmp/<id>/` folder each, with the socket the recording named in
 * `vmm/qemu/<id>/target.json` (recordings made before it have none: the folder stands in).
 */
function recordedQemuTargets(tree: RecordedTree): QemuVmTarget[] {
  return (tree.list(QMP_FOLDER) ?? [])
    .filter((e) => e.isDirectory && isSafeName(e.name))
    .map((e) => ({
      id: e.name,
      qmpSocket:
        readVmTarget(tree, 'qemu', e.name)?.qmpSocket ?? join(tree.root, QMP_FOLDER, e.name),
    }));
}
