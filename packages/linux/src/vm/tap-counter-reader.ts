import { join } from 'node:path';
import type { FileReader } from '../fs/file-reader.js';
import { parseNetDev } from '../host/parse-net-dev.js';

/** Counters of one interface in its own direction (a tap's rx is what its guest sent). */
export interface InterfaceCounters {
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
}

export interface TapCounterReader {
  /**
   * Counters of interface `name` as process `pid` sees it: `proc/<pid>/net/dev` shows the
   * interfaces of that process's network namespace, which is where a VMM's tap lives even when
   * it is not ours. Without a pid (or when the VMM's table lacks it),
   * `sys/class/net/<name>/statistics` of the reader's own namespace.
   */
  interfaceCounters(name: string, pid: number | null): InterfaceCounters | null;
}

export function createTapCounterReader(options: { reader: FileReader }): TapCounterReader {
  const { reader } = options;
  const fromSys = (name: string): InterfaceCounters | null => {
    const dir = join('sys/class/net', name, 'statistics');
    const values = ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets'].map((f) => {
      const text = reader.read(join(dir, f));
      const n = text === null ? Number.NaN : Number(text.trim());
      return Number.isFinite(n) ? n : null;
    });
    const [rxBytes, txBytes, rxPackets, txPackets] = values;
    if (rxBytes == null || txBytes == null || rxPackets == null || txPackets == null) return null;
    return { rxBytes, txBytes, rxPackets, txPackets };
  };
  return {
    interfaceCounters(name, pid) {
      if (pid !== null) {
        const table = reader.read(`proc/${pid}/net/dev`);
        const found =
          table === null
            ? undefined
            : parseNetDev(table, { file: `proc/${pid}/net/dev` }).find((i) => i.name === name);
        if (found)
          return {
            rxBytes: found.rxBytes,
            txBytes: found.txBytes,
            rxPackets: found.rxPackets,
            txPackets: found.txPackets,
          };
      }
      return fromSys(name);
    },
  };
}
