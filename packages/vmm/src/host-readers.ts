/**
 * Host-side facts about a VMM process that only the host OS can give (Linux reads /proc; macOS
 * may give its own or none). Defined here so this package stays platform-neutral; perf-linux's
 * `createProcThreadReader` implements it. Every method returns null when the thing is gone.
 */
export interface HostThreadReader {
  /** Cumulative CPU time (user + system) of one thread of a process, seconds. */
  threadCpuSeconds(pid: number, tid: number): number | null;
  /** Cumulative CPU time of the whole process (all its threads), seconds. */
  processCpuSeconds(pid: number): number | null;
  /** The process a thread id belongs to (its thread group). */
  processOfThread?(tid: number): number | null;
  /** The process holding a listening unix socket bound to this path. */
  socketHolder?(socketPath: string): number | null;
  /** Threads of a process and their names (Cloud Hypervisor's `vcpu0`, Firecracker's `fc_vcpu 0`). */
  listThreads?(pid: number): Array<{ tid: number; name: string }> | null;
}

/** Counters of a host network interface in the interface's own direction. */
export interface HostInterfaceCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

/** Reads a host interface (a VM's tap) as the VMM process sees it (its network namespace). */
export interface HostInterfaceReader {
  interfaceCounters(name: string, pid: number | null): HostInterfaceCounters | null;
}
