import type { SourcesConfig, VmmSockets } from '../config/sources-config.js';
import type { VmCollector } from '../monitor-collectors.js';
import { missingSocketDirNotes, vmCollectorOf } from './vm-collector-of.js';

type Vmm = typeof import('@arcbox/perf-vmm');
type Linux = typeof import('@arcbox/perf-linux');
type Provider = ReturnType<Vmm['createQemuVmProvider']>;
type ThreadReader = ReturnType<Linux['createProcThreadReader']>;

/** What a provider may need from this host: vCPU thread and tap readers under `root` (Linux). */
interface Host {
  vmm: Vmm;
  threads: ThreadReader | null;
  interfaces: ReturnType<Linux['createTapCounterReader']> | null;
  /** One VM's budget: a little under the collector's, so the registry's own timeout has the last word. */
  timeoutMs: number;
}

const idOf = (socket: string, suffix: RegExp) => socket.replace(/^.*\//, '').replace(suffix, '');
const dirOf = (s: VmmSockets) => s.socketDir ?? (s.sockets.length > 0 ? false : undefined);

/**
 * Every VMM arcbox-perf reads, one line each: switched on and pointed at its sockets in the
 * config's `sources.vms`. The VM collector discovers and merges them.
 */
const providers: ReadonlyArray<{
  on: (c: SourcesConfig['vms']) => boolean;
  create: (c: SourcesConfig['vms'], host: Host) => Provider | null;
}> = [
  { on: (c) => c.qemu.enabled, create: (c, h) => qemu(c.qemu, h) },
  {
    on: (c) => c.cloudHypervisor.enabled,
    create: (c, h) =>
      h.vmm.createCloudHypervisorVmProvider({
        // Listed sockets only when there are some: without them the provider watches its
        // directory (the configured one, or /run/arcbox/cloud-hypervisor).
        ...defined(
          'vms',
          nonEmpty(
            c.cloudHypervisor.sockets.map((s) => ({ id: idOf(s, /\.sock$/), apiSocket: s })),
          ),
        ),
        ...defined('dir', dirOf(c.cloudHypervisor)),
        threads: h.threads,
        timeoutMs: h.timeoutMs,
      }),
  },
  {
    on: (c) => c.firecracker.enabled,
    create: (c, h) =>
      h.vmm.createFirecrackerVmProvider({
        // `<id>.sock` is the API socket, `<id>.metrics` beside it the metrics file.
        ...defined(
          'vms',
          nonEmpty(
            c.firecracker.sockets.map((s) => ({
              id: idOf(s, /\.sock$/),
              apiSocket: s,
              metricsPath: s.replace(/(\.sock)?$/, '.metrics'),
            })),
          ),
        ),
        ...defined('dir', dirOf(c.firecracker)),
        threads: h.threads,
        timeoutMs: h.timeoutMs,
      }),
  },
  {
    on: (c) => c.libvirt.enabled,
    create: (c, h) => h.vmm.createLibvirtVmProvider({ uri: c.libvirt.uri, timeoutMs: h.timeoutMs }),
  },
];

function nonEmpty<T>(list: T[]): T[] | undefined {
  return list.length > 0 ? list : undefined;
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** QEMU needs its vCPU threads and taps from /proc and /sys of this host: Linux only. */
function qemu(s: VmmSockets, h: Host): Provider | null {
  if (!h.threads || !h.interfaces) return null;
  return h.vmm.createQemuVmProvider({
    vms: s.sockets.map((socket) => ({ id: idOf(socket, /\.qmp$/), qmpSocket: socket })),
    vmDir: s.socketDir ?? (s.sockets.length > 0 ? false : h.vmm.defaultVmDir()),
    threads: h.threads,
    interfaces: h.interfaces,
    timeoutMs: h.timeoutMs,
  });
}

/** The VM collector of the enabled VMMs; null when none is enabled (or none runs here). */
export async function createVmSources(
  config: SourcesConfig,
  platform: 'linux' | 'darwin',
  notes: string[],
): Promise<VmCollector | null> {
  const enabled = providers.filter((p) => p.on(config.vms));
  if (enabled.length === 0) return null;
  const vmm = await import('@arcbox/perf-vmm');
  const linux = platform === 'linux' ? await import('@arcbox/perf-linux') : null;
  const reader = linux?.createFileReader({ root: config.root, keepOpen: true }) ?? null;
  const host: Host = {
    vmm,
    threads: linux && reader ? linux.createProcThreadReader({ reader }) : null,
    interfaces: linux && reader ? linux.createTapCounterReader({ reader }) : null,
    timeoutMs: Math.max(100, config.vms.timeoutMs - 100),
  };
  notes.push(...missingSocketDirNotes(config));
  const made = enabled.map((p) => p.create(config.vms, host)).filter((p) => p !== null);
  if (made.length === 0) {
    reader?.close();
    return null;
  }
  return vmCollectorOf(vmm, made, {
    timeoutMs: config.vms.timeoutMs,
    onClose: () => reader?.close(),
  });
}
