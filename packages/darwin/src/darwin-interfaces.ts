import { type NetInterfaceReading, PerfError } from '@arcbox/perf-core';
import type { NetstatLink } from './parse-netstat.js';

/**
 * Software interfaces on macOS: tunnels (utun, gif, stf, ipsec), Apple Wireless Direct Link
 * (awdl, llw, p2p), bridges (Thunderbolt, VM sharing), Virtualization.framework and VMware
 * guests (vmenet, vmnet), feth, the anpi/ap access-point pseudo-interfaces, and USB capture
 * (XHC, VHC). Matched by prefix because netstat may truncate names (`bridg`, `vmnet`).
 */
const virtualPrefixes = [
  'utun',
  'awdl',
  'llw',
  'bridg',
  'vmenet',
  'vmnet',
  'gif',
  'stf',
  'anpi',
  'ap',
  'p2p',
  'ipsec',
  'feth',
  'XHC',
  'VHC',
];

const TWO_32 = 2 ** 32;

export function isVirtualInterface(name: string): boolean {
  return virtualPrefixes.some((p) => name.startsWith(p));
}

/**
 * Interface readings from netstat link rows. Loopback and virtual interfaces are kept, out of
 * the total. A name netstat printed more than once (truncated: `utun8` for utun80, utun81...)
 * gets its link index appended (`utun8#88`) so each series stays its own. Counters are taken as
 * 32-bit (they wrap on some macOS releases) unless one of the row's values proves them wider.
 */
export function darwinInterfaces(links: readonly NetstatLink[]): NetInterfaceReading[] {
  const seen = new Map<string, number>();
  for (const l of links) seen.set(l.name, (seen.get(l.name) ?? 0) + 1);
  return links.map((l) => {
    if (l.ibytes === null || l.obytes === null) {
      throw new PerfError('PARSE_ERROR', 'netstat printed no byte counters (run it with -b)', {
        file: 'netstat',
        field: l.ibytes === null ? 'Ibytes' : 'Obytes',
      });
    }
    const loopback = l.name.startsWith('lo');
    const virtual = !loopback && isVirtualInterface(l.name);
    const values = [l.ipkts, l.ibytes, l.opkts, l.obytes];
    return {
      name: (seen.get(l.name) ?? 0) > 1 ? `${l.name}#${l.index}` : l.name,
      rxBytes: l.ibytes,
      rxPackets: l.ipkts,
      rxErrors: l.ierrs,
      rxDropped: null,
      txBytes: l.obytes,
      txPackets: l.opkts,
      txErrors: l.oerrs,
      // netstat -d's Drop is the send queue's drop count.
      txDropped: l.drop,
      loopback,
      virtual,
      countedInTotal: !loopback && !virtual,
      counterBits: values.some((v) => v >= TWO_32) ? 64 : 32,
    };
  });
}
