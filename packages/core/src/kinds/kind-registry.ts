import { PerfError } from '../perf-error.js';
import type { AnyKind } from './kind-descriptor.js';

/** Sample properties that are not kinds. */
const RESERVED_SAMPLE_KEYS = new Set(['timestamp', 'errors', 'alerts', 'collectors', 'kinds']);

/** The kinds a monitor, a store or an exporter knows: an explicit value, never a global. */
export interface KindRegistry {
  /** In registration order (the order of exports, tables and API answers). */
  readonly kinds: readonly AnyKind[];
  get(name: string): AnyKind | undefined;
  /** The kind named `name`; an UNKNOWN_SERIES error listing the known kinds otherwise. */
  require(name: string, field?: string): AnyKind;
  bySampleKey(sampleKey: string): AnyKind | undefined;
  names(): string[];
}

export function createKindRegistry(kinds: readonly AnyKind[]): KindRegistry {
  const byName = new Map<string, AnyKind>();
  const bySample = new Map<string, AnyKind>();
  for (const kind of kinds) {
    if (!/^[a-z][a-zA-Z0-9]*$/.test(kind.name) || !/^[a-z][a-zA-Z0-9]*$/.test(kind.sampleKey)) {
      throw new PerfError(
        'INVALID_ARGUMENT',
        `kind "${kind.name}" (sample key "${kind.sampleKey}"): names are letters and digits, starting lower-case`,
        { field: 'kinds' },
      );
    }
    if (byName.has(kind.name) || bySample.has(kind.sampleKey) || byName.has(kind.sampleKey)) {
      throw new PerfError('INVALID_ARGUMENT', `kind "${kind.name}" is registered twice`, {
        field: 'kinds',
      });
    }
    if (RESERVED_SAMPLE_KEYS.has(kind.sampleKey)) {
      throw new PerfError(
        'INVALID_ARGUMENT',
        `kind "${kind.name}" cannot use the sample key "${kind.sampleKey}"`,
        { field: 'kinds' },
      );
    }
    byName.set(kind.name, kind);
    bySample.set(kind.sampleKey, kind);
  }
  const list = Object.freeze([...kinds]);
  return {
    kinds: list,
    get: (name) => byName.get(name),
    require(name, field = 'kind') {
      const kind = byName.get(name);
      if (kind) return kind;
      throw new PerfError(
        'UNKNOWN_SERIES',
        `"${name}" is not a kind of series (known: ${[...byName.keys()].join(', ')})`,
        { field },
      );
    },
    bySampleKey: (key) => bySample.get(key),
    names: () => [...byName.keys()],
  };
}
