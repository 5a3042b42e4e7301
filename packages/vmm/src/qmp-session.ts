/** Options of one QMP command. */
export interface QmpCommandOptions {
  signal?: AbortSignal;
  /** Longest wait for the answer; the default of the session otherwise. */
  timeoutMs?: number;
}

/**
 * What a VM source needs from QMP: commands in, `return` values out. The live socket client, the
 * recording wrapper and the replay of a recording all implement it, so the same source code reads
 * a live QEMU or a recorded one.
 */
export interface QmpSession {
  /** Runs a command and resolves with its `return` value; rejects with a PerfError. */
  execute(
    command: string,
    args?: Record<string, unknown>,
    options?: QmpCommandOptions,
  ): Promise<unknown>;
  /** Whether the session can no longer be used (socket closed, QEMU gone). */
  readonly closed: boolean;
  close(): void;
}

/** Opens a session to one VM, e.g. connects its QMP socket and negotiates capabilities. */
export type QmpConnector = (
  vm: { id: string; qmpSocket: string },
  options: { signal?: AbortSignal; timeoutMs: number },
) => Promise<QmpSession>;
