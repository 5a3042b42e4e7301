import { parseCounter } from '../host/parse-number.js';

/** Storage bytes from `/proc/<pid>/io`: what reached (or came from) a block device. */
export interface ProcessIo {
  readBytes: number | null;
  writeBytes: number | null;
}

/**
 * Parses `read_bytes` and `write_bytes` of `/proc/<pid>/io` (not `rchar`/`wchar`, which count
 * page-cache reads and pipes). A missing or odd line is null, never 0.
 */
export function parseProcessIo(text: string): ProcessIo {
  const out: ProcessIo = { readBytes: null, writeBytes: null };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    if (key === 'read_bytes') out.readBytes = parseCounter(line.slice(colon + 1).trim());
    else if (key === 'write_bytes') out.writeBytes = parseCounter(line.slice(colon + 1).trim());
  }
  return out;
}
