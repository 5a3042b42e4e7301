import type { ExportSnapshot } from './export-snapshot.js';

/**
 * A snapshot as JSON for APIs and `export --format json`. Rates that are not known yet stay
 * `null` (JSON has no NaN: a non-finite number becomes null too, never a made-up 0).
 */
export function formatJson(snapshot: ExportSnapshot, options: { pretty?: boolean } = {}): string {
  const body = {
    system: snapshot.system ?? null,
    containers: snapshot.containers ?? [],
    vms: snapshot.vms ?? [],
    collectors: snapshot.collectors ?? [],
  };
  return JSON.stringify(body, null, options.pretty ? 2 : undefined);
}
