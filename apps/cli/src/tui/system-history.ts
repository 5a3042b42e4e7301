import { type SystemMetrics, sumOrNull } from '@arcbox/perf-core';

/** The recent values behind the live view's sparklines. */
export interface SystemHistory {
  cpu: (number | null)[];
  memory: (number | null)[];
  disk: (number | null)[];
  net: (number | null)[];
}

export function createSystemHistory(): SystemHistory {
  return { cpu: [], memory: [], disk: [], net: [] };
}

/** Appends one sample's figures, keeping the last `keep` (ten minutes at 1 s by default). */
export function pushSystemHistory(
  history: SystemHistory,
  m: SystemMetrics | null,
  keep = 600,
): void {
  const push = (list: (number | null)[], v: number | null) => {
    list.push(v);
    if (list.length > keep) list.splice(0, list.length - keep);
  };
  push(history.cpu, m?.cpuPercent ?? null);
  push(history.memory, m?.memoryPercent ?? null);
  push(history.disk, m?.diskTotalBps ?? null);
  push(history.net, m ? sumOrNull([m.netRxBps, m.netTxBps], (v) => v) : null);
}
