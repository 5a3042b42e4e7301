import type { AlertEvent } from '@arcbox/perf-history';
import type { PerfMonitor } from '@arcbox/perf';
import type { AgentSample } from './agent-sample.js';

export interface MonitorSampler {
  /** Stops the monitor's timer and the loop reading its samples. */
  stop(): Promise<void>;
}

/**
 * Runs a PerfMonitor on its timer (collection, history and alert evaluation happen inside it) and
 * hands each round to the agent with the collectors' status. Errors of the handler are reported
 * and never stop sampling.
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
        const collectors = await monitor.status();
        onSample(
          { time: s.timestamp, system: s.system, containers: s.containers, vms: s.vms, collectors },
          s.alerts,
        );
      } catch (error) {
        onError(error);
      }
    }
  })().catch(onError);
  monitor.start({ signal: controller.signal });
  return {
    async stop() {
      controller.abort();
      await monitor.stop();
      await loop;
    },
  };
}
