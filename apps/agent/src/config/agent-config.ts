import type { AlertRule } from '@arcbox/perf-history';
import type { ListenAddress } from './listen-address.js';

export interface SourceTimeout {
  enabled: boolean;
  /** Each source runs under its own timeout so one hung source never delays the others. */
  timeoutMs: number;
}

export interface WebhookConfig {
  url: string;
  timeoutMs: number;
  /** Attempts after the first, with exponential backoff. */
  retries: number;
  backoffMs: number;
  headers: Record<string, string>;
}

export interface NotificationConfig {
  /** Log line per firing and resolved alert (stderr); always on unless turned off. */
  log: boolean;
  /** An alert must stay firing this long before it is notified (absorbs flapping). */
  delayMs: number;
  /** Notify again while an alert keeps firing, this often; 0 = never again. */
  repeatMs: number;
  webhooks: WebhookConfig[];
}

export interface AgentConfig {
  /** The file the config came from; null for the embedded defaults. */
  file: string | null;
  listen: ListenAddress;
  /** Bearer token; required when listening on anything but loopback. */
  authToken: string | null;
  intervalMs: number;
  /** Root under which proc, sys and the cgroup tree are read (`/host` in a container). */
  root: string;
  /** Where history is kept between restarts. */
  stateDir: string;
  sources: {
    /** The host is always sampled; only its timeout is configurable. */
    system: { timeoutMs: number };
    containers: SourceTimeout & {
      /** Find containers from the runtimes' cgroup layouts (Docker, containerd, Podman...). */
      discover: boolean;
      /** Extra cgroup paths or globs to watch besides discovered containers. */
      paths: string[];
    };
    docker: SourceTimeout & { socket: string | null };
    vms: SourceTimeout & { socketDir: string | null; sockets: string[] };
  };
  history: {
    retentionMs: number;
    /** How often samples are written to disk: a SIGKILL loses at most this much. */
    flushIntervalMs: number;
    persist: boolean;
  };
  /** Alert rules (perf-history's format); the default rules when the file has none. */
  rules: AlertRule[] | null;
  notifications: NotificationConfig;
}
