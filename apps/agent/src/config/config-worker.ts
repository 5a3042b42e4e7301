// Entry of the worker thread that reads a reloaded config (see load-config-off-thread.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { PerfError } from '@arcbox/perf-core';
import type { AgentFlags } from './apply-flags.js';
import { loadAgentConfig } from './load-agent-config.js';

const { flags } = workerData as { flags: AgentFlags };
loadAgentConfig(flags).then(
  (config) => parentPort?.postMessage({ ok: true, config }),
  (error: unknown) =>
    parentPort?.postMessage({
      ok: false,
      code: PerfError.isInstance(error) ? error.code : 'CONFIG_ERROR',
      message: error instanceof Error ? error.message : String(error),
    }),
);
