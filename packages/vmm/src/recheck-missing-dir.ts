/**
 * Wraps a directory listing that gives null for a missing directory: a missing one is taken as
 * still missing (no VMs) for `recheckMs` before it is listed again, so a host without VMs does
 * not pay a failed readdir, with its Error and stack, on every collection.
 */
export function recheckMissingDir<T>(
  list: () => Promise<T[] | null>,
  recheckMs: number,
  now: () => number = () => performance.now(),
): () => Promise<T[]> {
  let missingAt = Number.NEGATIVE_INFINITY;
  return async () => {
    if (now() - missingAt < recheckMs) return [];
    const found = await list();
    if (found === null) missingAt = now();
    return found ?? [];
  };
}
