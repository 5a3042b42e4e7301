import { createKindRegistry, defaultKinds, type KindRegistry } from '@arcbox/perf-core';
import type { ExportSnapshot } from './export-snapshot.js';

/**
 * A snapshot as JSON for APIs and `export --format json`. Rates that are not known yet stay
 * `null` (JSON has no NaN: a non-finite number becomes null too, never a made-up 0).
 */
export function formatJson(
  snapshot: ExportSnapshot,
  options: { pretty?: boolean; kinds?: KindRegistry } = {},
): string {
  const kinds = options.kinds ?? createKindRegistry(defaultKinds());
  // Every kind under its sample key, in registration order: null or [] when not collected.
  const body: Record<string, unknown> = {};
  for (const kind of kinds.kinds)
    body[kind.sampleKey] = snapshot[kind.sampleKey] ?? (kind.singleton ? null : []);
  body.collectors = snapshot.collectors ?? [];
  return JSON.stringify(body, null, options.pretty ? 2 : undefined);
}
