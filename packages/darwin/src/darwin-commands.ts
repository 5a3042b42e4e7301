import { DARWIN_SYSCTL_NAMES } from './darwin-sysctl.js';

/** A command the darwin collector runs; `name` is also its file name in a recording. */
export interface DarwinCommand {
  name: 'vm_stat' | 'sysctl' | 'ioreg' | 'iostat' | 'netstat';
  command: string;
  args: readonly string[];
}

/**
 * The commands of one live reading: vm_stat, sysctl, ioreg and netstat, run concurrently
 * (4 processes). iostat replaces ioreg only where ioreg is unusable.
 */
export const darwinCommands = {
  vmStat: { name: 'vm_stat', command: 'vm_stat', args: [] },
  // Names, so sysctl prints `name: value` lines parsed by name, not by position.
  sysctl: { name: 'sysctl', command: 'sysctl', args: DARWIN_SYSCTL_NAMES },
  // -l prints the IOMedia child's properties (its BSD Name); -d 2 stops below it.
  ioreg: {
    name: 'ioreg',
    command: 'ioreg',
    args: ['-c', 'IOBlockStorageDriver', '-r', '-l', '-w', '0', '-d', '2'],
  },
  // -I: totals since boot (KB/t xfrs MB), the only iostat layout that holds counters.
  iostat: { name: 'iostat', command: 'iostat', args: ['-I', '-d', '-n', '32', '-c', '1'] },
  // -b bytes, -n no name lookups, -d the Drop column, -W no truncated fields (as gopsutil runs it).
  netstat: { name: 'netstat', command: 'netstat', args: ['-i', '-b', '-n', '-d', '-W'] },
} as const satisfies Record<string, DarwinCommand>;
