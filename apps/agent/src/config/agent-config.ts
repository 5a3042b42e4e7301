import type { SourcesConfig } from '@arcbox/perf';
import type { AlertRule } from '@arcbox/perf-history';
import type { ListenAddress } from './listen-address.js';

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

/** One Prometheus remote write 1.0 receiver the agent pushes to. */
export interface RemoteWriteConfig {
  url: string;
  headers: Record<string, string>;
  bearerToken: string | null;
  basicAuth: { username: string; password: string } | null;
  intervalMs: number;
  timeoutMs: number;
  /** Samples held in memory while the receiver is away; past it the oldest are dropped. */
  maxQueuedSamples: number;
  maxBatchSamples: number;
}

/** One OpenTelemetry OTLP/HTTP (protobuf) metrics endpoint the agent pushes to. */
export interface OtlpConfig {
  url: string;
  headers: Record<string, string>;
  intervalMs: number;
  timeoutMs: number;
}

export interface ExportConfig {
  /** Added to every pushed series that has no label of that name; `instance` defaults to the host name. */
  externalLabels: Record<string, string>;
  remoteWrite: RemoteWriteConfig[];
  otlp: OtlpConfig[];
}

export interface AgentConfig {
  /** The file the config came from; null for the embedded defaults. */
  file: string | null;
  listen: ListenAddress;
  /** Bearer token; required when listening on anything but loopback. */
  authToken: string | null;
  /** The file the token was read from (re-read on every reload); null when given inline. */
  authTokenFile: string | null;
  intervalMs: number;
  /** Where history is kept between restarts. */
  stateDir: string;
  /** What is sampled, validated by @arcbox/perf (`root` included). */
  sources: SourcesConfig;
  history: {
    retentionMs: number;
    /** How often samples are written to disk: a SIGKILL loses at most this much. */
    flushIntervalMs: number;
    persist: boolean;
  };
  /** Alert rules (perf-history's format); the default rules when the file has none. */
  rules: AlertRule[] | null;
  notifications: NotificationConfig;
  /** Where the agent pushes its metrics (besides being scraped on /metrics). */
  export: ExportConfig;
}
