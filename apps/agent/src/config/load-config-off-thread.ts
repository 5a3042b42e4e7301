import { Worker } from 'node:worker_threads';
import { type PerfErrorCode, PerfError } from '@arcbox/perf-core';
import type { AgentConfig } from './agent-config.js';
import type { AgentFlags } from './apply-flags.js';

type Answer =
  | { ok: true; config: AgentConfig }
  | { ok: false; code: PerfErrorCode; message: string };

/**
 * Reads, parses and checks the config in a worker thread (`worker`: the built config-worker.js),
 * so a large or hostile file (YAML is parsed in one synchronous call) never holds up sampling
 * or the HTTP answers on the main thread. The worker's heap is bounded and it is stopped after
 * `timeoutMs`.
 */
export function loadConfigOffThread(
  flags: AgentFlags,
  worker: URL,
  options: { timeoutMs?: number } = {},
): Promise<AgentConfig> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return new Promise((resolve, reject) => {
    const thread = new Worker(worker, {
      workerData: { flags },
      resourceLimits: { maxOldGenerationSizeMb: 128 },
      stdout: false,
      stderr: false,
    });
    const timer = setTimeout(() => {
      void thread.terminate();
      reject(new PerfError('TIMEOUT', `reading the config took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => clearTimeout(timer);
    thread.once('message', (answer: Answer) => {
      done();
      void thread.terminate();
      if (answer.ok) resolve(answer.config);
      else {
        const error = new PerfError(answer.code, '');
        error.message = answer.message;
        reject(error);
      }
    });
    thread.once('error', (error) => {
      done();
      reject(PerfError.from(error, 'CONFIG_ERROR', 'reading the config failed'));
    });
    thread.once('exit', (code) => {
      done();
      reject(new PerfError('CONFIG_ERROR', `reading the config stopped (worker exit ${code})`));
    });
  });
}
