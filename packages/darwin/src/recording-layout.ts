import { join } from 'node:path';

/** `DIR/recording.json`: `{ "platform": "darwin", "readings": N }`. */
export const RECORDING_FILE = 'recording.json';

/** `DIR/readings/0001` for the first reading. */
export function readingDir(dir: string, index: number): string {
  return join(dir, 'readings', String(index).padStart(4, '0'));
}

/** Where a command's raw stdout sits inside a reading folder: `commands/vm_stat.txt`. */
export function commandFile(readingFolder: string, command: string): string {
  const base = command.slice(command.lastIndexOf('/') + 1);
  return join(readingFolder, 'commands', `${base}.txt`);
}

export const CPUS_FILE = join('os', 'cpus.json');
export const LOADAVG_FILE = join('os', 'loadavg.json');
/** `{ "monotonicMs": <number>, "time": "<ISO 8601>" }`. */
export const READING_FILE = 'reading.json';
