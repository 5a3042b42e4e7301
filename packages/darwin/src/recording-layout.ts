import { join } from 'node:path';
import { RECORDED_READINGS_FOLDER, readingFolderName } from '@arcbox/perf-core';

// recording.json and reading.json are the shared format of core's recording-format; only what
// a darwin reading folder holds besides them is defined here.

/** `DIR/readings/0001` for the first reading. */
export function readingDir(dir: string, index: number): string {
  return join(dir, RECORDED_READINGS_FOLDER, readingFolderName(index));
}

/** Where a command's raw stdout sits inside a reading folder: `commands/vm_stat.txt`. */
export function commandFile(readingFolder: string, command: string): string {
  const base = command.slice(command.lastIndexOf('/') + 1);
  return join(readingFolder, 'commands', `${base}.txt`);
}

/** What os.cpus() returned, as JSON. */
export const CPUS_FILE = join('os', 'cpus.json');
/** What os.loadavg() returned, as JSON. */
export const LOADAVG_FILE = join('os', 'loadavg.json');
