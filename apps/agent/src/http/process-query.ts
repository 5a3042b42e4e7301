import { PROCESS_SORTS, type ProcessSort } from '@arcbox/perf-core';
import { badParameter } from './http-error.js';

/** Most processes one answer of `/api/v1/processes` holds. */
export const MAX_PROCESSES_PER_ANSWER = 1000;
export const DEFAULT_PROCESSES_PER_ANSWER = 50;

/**
 * `container` (an id, an id prefix of 4+ characters, a name, or `host`), `sort` (cpu, mem, io; cpu by
 * default) and `limit` (1..1000, 50 by default) of `/api/v1/processes`; a 400 naming the
 * parameter otherwise.
 */
export function parseProcessQuery(params: URLSearchParams): {
  container?: string;
  sort: ProcessSort;
  limit: number;
} {
  const container = params.get('container');
  const sortText = params.get('sort');
  const limitText = params.get('limit');
  if (container !== null && (container.length > 256 || container === ''))
    throw badParameter('container', 'must be a container id, an id prefix, a name or "host"');
  let sort: ProcessSort = 'cpu';
  if (sortText !== null && sortText !== '') {
    if (!PROCESS_SORTS.includes(sortText as ProcessSort))
      throw badParameter('sort', `must be one of ${PROCESS_SORTS.join(', ')}`);
    sort = sortText as ProcessSort;
  }
  let limit = DEFAULT_PROCESSES_PER_ANSWER;
  if (limitText !== null && limitText !== '') {
    const n = Number(limitText);
    if (!/^\d+$/.test(limitText) || n < 1 || n > MAX_PROCESSES_PER_ANSWER)
      throw badParameter('limit', `must be a whole number from 1 to ${MAX_PROCESSES_PER_ANSWER}`);
    limit = n;
  }
  return { ...(container === null ? {} : { container }), sort, limit };
}
