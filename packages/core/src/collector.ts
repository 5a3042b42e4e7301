export interface CollectOptions {
  /** Aborted when the caller gives up or the collector's timeout passes. */
  signal: AbortSignal;
}

/**
 * A named source of typed readings, made by a factory that takes its inputs (a proc root, a
 * command runner, a socket path), so the same code reads a recording or the live system.
 */
export interface Collector<T> {
  readonly name: string;
  collect(options: CollectOptions): Promise<T>;
  /** Releases what the collector keeps open (file descriptors, sockets). */
  close?(): Promise<void> | void;
}

/** The reading type of a collector. */
export type CollectorValue<C> = C extends Collector<infer T> ? T : never;
