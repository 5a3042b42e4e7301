/** Each source runs under its own timeout so one hung source never delays the others. */
export interface SourceSwitch {
  enabled: boolean;
  timeoutMs: number;
}

/** Where a VMM's API sockets are: a directory to watch and/or sockets named one by one. */
export interface VmmSockets {
  enabled: boolean;
  socketDir: string | null;
  sockets: string[];
}

/**
 * Every source `@arcbox/perf` can build on this platform, from one validated object: the
 * agent's config file and the CLI's flags both become this (see `validateSources`).
 */
export interface SourcesConfig {
  /** Root under which proc, sys and the cgroup tree are read (`/host` in a container). */
  root: string;
  /** The host is always sampled; only its timeout is configurable. */
  system: { timeoutMs: number };
  containers: SourceSwitch & {
    /** Find containers from the runtimes' cgroup layouts (Docker, containerd, Podman...). */
    discover: boolean;
    /** Extra cgroup paths or globs to watch besides discovered containers. */
    paths: string[];
  };
  /**
   * A Docker-compatible engine: on Linux it names the cgroup containers, on macOS it is the
   * containers source. Used when its socket exists (`socket` null: DOCKER_HOST, then the usual
   * places); a missing socket is no engine, not an error.
   */
  docker: SourceSwitch & { socket: string | null };
  vms: SourceSwitch & {
    /** QEMU over QMP: `<vm-id>.qmp` sockets. Linux only (vCPU threads come from /proc). */
    qemu: VmmSockets;
    /** Cloud Hypervisor API sockets. */
    cloudHypervisor: VmmSockets;
    /** Firecracker API sockets. */
    firecracker: VmmSockets;
    /** libvirt through `virsh domstats --raw`. */
    libvirt: { enabled: boolean; uri: string };
  };
  /**
   * Filesystems fill slowly and a statfs per mount costs a threadpool round trip: read every
   * `intervalMs` (10 s by default), not every round.
   */
  filesystems: SourceSwitch & { intervalMs: number };
  /**
   * Processes: every round reads them all; samples, history, alerts and `/metrics` keep the top
   * `limit` by CPU, by memory and by I/O, plus every process of the `containers` named (ids or
   * id prefixes). `intervalMs` null reads them every round.
   */
  processes: SourceSwitch & { limit: number; containers: string[]; intervalMs: number | null };
  /**
   * GPUs (NVIDIA through nvidia-smi on Linux). `intervalMs` is the streaming child's period
   * (`-lms`); `appsIntervalMs` how often per-process GPU memory is asked. No nvidia-smi on the
   * PATH is no GPU source, not an error.
   */
  gpus: SourceSwitch & { intervalMs: number; appsIntervalMs: number };
}

export function defaultSourcesConfig(): SourcesConfig {
  return {
    root: '/',
    system: { timeoutMs: 2000 },
    containers: { enabled: true, timeoutMs: 2000, discover: true, paths: [] },
    docker: { enabled: true, timeoutMs: 2000, socket: null },
    vms: {
      enabled: true,
      timeoutMs: 2000,
      qemu: { enabled: true, socketDir: null, sockets: [] },
      cloudHypervisor: { enabled: false, socketDir: null, sockets: [] },
      firecracker: { enabled: false, socketDir: null, sockets: [] },
      libvirt: { enabled: false, uri: 'qemu:///system' },
    },
    filesystems: { enabled: true, timeoutMs: 2000, intervalMs: 10_000 },
    processes: { enabled: true, timeoutMs: 2000, limit: 10, containers: [], intervalMs: null },
    gpus: { enabled: true, timeoutMs: 2000, intervalMs: 1000, appsIntervalMs: 10_000 },
  };
}
