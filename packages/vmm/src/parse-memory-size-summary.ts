import type { SourceProblem } from '@arcbox/perf-core';
import { countField } from './count-field.js';
import { expectObject } from './qmp-values.js';

const SOURCE = 'qmp query-memory-size-summary';

/**
 * `query-memory-size-summary` -> configured guest RAM in bytes (base + hot-plugged). A size that
 * is not a non-negative integer makes the total unknown: null and a problem.
 */
export function parseMemorySizeSummary(value: unknown, problems?: SourceProblem[]): number | null {
  const reply = expectObject(value, 'query-memory-size-summary');
  const base = countField(reply['base-memory'], { source: SOURCE, field: 'base-memory' }, problems);
  if (reply['plugged-memory'] === undefined || reply['plugged-memory'] === null) return base;
  const plugged = countField(
    reply['plugged-memory'],
    { source: SOURCE, field: 'plugged-memory' },
    problems,
  );
  if (base === null || plugged === null) return null;
  const total = base + plugged;
  return Number.isSafeInteger(total) ? total : null;
}
