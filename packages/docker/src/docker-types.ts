/** Which engine answers on the socket: their stats differ (see docker-stats-to-reading.ts). */
export type DockerEngineKind = 'docker' | 'podman';

/** `GET /version`, the fields used. */
export interface DockerVersion {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
  Components?: Array<{ Name?: string; Version?: string }>;
}

/** `GET /info`, the fields used. */
export interface DockerInfo {
  NCPU?: number;
  MemTotal?: number;
}

/** One entry of `GET /containers/json`. */
export interface DockerContainerSummary {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Labels?: Record<string, string> | null;
}

interface BlkioEntry {
  major?: number;
  minor?: number;
  op?: string;
  value?: number;
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data?: { periods?: number; throttled_periods?: number; throttled_time?: number };
}

/** `GET /containers/{id}/stats?stream=false&one-shot=true`, the fields used. */
export interface DockerStats {
  read?: string;
  preread?: string;
  name?: string;
  id?: string;
  Id?: string;
  pids_stats?: { current?: number; limit?: number };
  blkio_stats?: {
    io_service_bytes_recursive?: BlkioEntry[] | null;
    io_serviced_recursive?: BlkioEntry[] | null;
  };
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  networks?: Record<
    string,
    {
      rx_bytes?: number;
      rx_packets?: number;
      rx_errors?: number;
      rx_dropped?: number;
      tx_bytes?: number;
      tx_packets?: number;
      tx_errors?: number;
      tx_dropped?: number;
    }
  >;
}

/** A container as listed: id, name without the leading '/', labels. */
export interface DockerContainer {
  id: string;
  name: string;
  image: string | null;
  state: string | null;
  labels: Record<string, string>;
}

/** `GET /containers/{id}/json`, the limits used. */
export interface DockerContainerInspect {
  Id?: string;
  Name?: string;
  /** Restarts by the restart policy (explicit `docker restart`s are not counted). */
  RestartCount?: number;
  State?: {
    Status?: string;
    ExitCode?: number;
    OOMKilled?: boolean;
  };
  HostConfig?: {
    /** Memory limit in bytes; 0 = none. */
    Memory?: number;
    /** CPU limit in 1e-9 CPUs; 0 = none. */
    NanoCpus?: number;
    CpuQuota?: number;
    CpuPeriod?: number;
    /** 0 or -1 = none. */
    PidsLimit?: number | null;
  };
}

/** A container's configured limits, from inspect: what stats cannot tell apart from "none". */
export interface DockerContainerLimits {
  memoryLimit: number | null;
  cpuLimitCores: number | null;
  pidsLimit: number | null;
}

/** A container's state as inspect gives it (SEMANTICS.md, Container lifecycle). */
export type DockerContainerState =
  | 'created'
  | 'running'
  | 'paused'
  | 'restarting'
  | 'removing'
  | 'exited'
  | 'dead';

export interface DockerContainerLifecycle {
  /** null when the engine sent a state this client does not know. */
  state: DockerContainerState | null;
  /** The last exit's code; null while it never exited or when not a small integer. */
  exitCode: number | null;
  /** Whether the last exit was an OOM kill, as the engine tells it. */
  oomKilled: boolean | null;
  restartCount: number | null;
}
