import { join } from 'node:path';
import { PerfError } from '@arcbox/perf-core';
import type { FileReader } from '../fs/file-reader.js';
import { parseNetDev } from '../host/parse-net-dev.js';
import { parseCounter } from '../host/parse-number.js';

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
    const values: number[] = [];
    for (const field of ['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets']) {
      const path = join(dir, field);
      const text = reader.read(path);
      if (text === null) return null;
      const n = parseCounter(text.trim());
      // null would say "no such interface" to the caller: a bad counter is an error it can name.
      if (n === null) {
        throw new PerfError(
          'PARSE_ERROR',
          `expected a non-negative integer below 2^53, got ${JSON.stringify(text.trim().slice(0, 40))}`,
          { file: join(reader.root, path), line: 1, field },
        );
      }
      values.push(n);
    }
    const [rxBytes, txBytes, rxPackets, txPackets] = values as [number, number, number, number];
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
