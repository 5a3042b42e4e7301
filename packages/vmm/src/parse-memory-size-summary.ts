import { expectObject, numberOrNull } from './qmp-values.js';

/** `query-memory-size-summary` -> configured guest RAM in bytes (base + hot-plugged). */
export function parseMemorySizeSummary(value: unknown): number | null {
  const reply = expectObject(value, 'query-memory-size-summary');
  const base = numberOrNull(reply['base-memory']);
  if (base === null) return null;
  return base + (numberOrNull(reply['plugged-memory']) ?? 0);
}
