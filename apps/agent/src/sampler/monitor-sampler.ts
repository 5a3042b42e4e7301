import type { PerfMonitor } from '@arcbox/perf';
import type { AlertEvent } from '@arcbox/perf-history';
import type { AgentSample } from './agent-sample.js';

export interface MonitorSampler {
  /** Stops the monitor's timer and the loop reading its samples. */
  stop(): Promise<void>;
}

/**
 * Runs a PerfMonitor on its timer (collection, history and alert evaluation happen inside it) and
 * hands each round to the agent with the collectors' status. The loop reads the monitor's
 * samples, so it outlives `monitor.reconfigure()`. Errors of the handler are reported and never
 * stop sampling.
 */
export function startMonitorSampler(
  monitor: PerfMonitor,
  onSample: (sample: AgentSample, alerts: readonly AlertEvent[]) => void,
  onError: (error: unknown) => void,
): MonitorSampler {
  const controller = new AbortController();
  const samples = monitor.samples({ signal: controller.signal });
  const loop = (async () => {
    for await (const s of samples) {
      try {
        // The kinds' values only: a sample also carries its errors and alert events.
        const values: Record<string, unknown> = {};
        for (const kind of monitor.kinds.kinds) values[kind.sampleKey] = s[kind.sampleKey];
        onSample({ time: s.timestamp, values, collectors: await monitor.status() }, s.alerts);
      } catch (error) {
        onError(error);
      }
    }
  })().catch(onError);
  monitor.start();
  return {
    async stop() {
      controller.abort();
      await monitor.stop();
      await loop;
    },
  };
}
