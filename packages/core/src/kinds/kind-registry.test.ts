import { describe, expect, it } from 'vitest';
import { PerfError } from '../perf-error.js';
import { formatValue } from '../units.js';
import { defaultKinds } from './default-kinds.js';
import { metricsOf, storedFieldNames } from './kind-descriptor.js';
import { createKindRegistry } from './kind-registry.js';

describe('kind registry', () => {
  it('holds the shipped kinds in order, each with typed, documented fields', () => {
    const kinds = createKindRegistry(defaultKinds());
    expect(kinds.names()).toEqual(['system', 'container', 'vm', 'filesystem', 'process', 'gpu']);
    expect(kinds.bySampleKey('filesystems')?.name).toBe('filesystem');
    for (const kind of kinds.kinds) {
      expect(kind.fields.length).toBeGreaterThan(0);
      for (const f of kind.fields)
        expect(f.description.length, `${kind.name}.${f.name}`).toBeGreaterThan(5);
      // Stored fields come first: history's columns are a prefix of the list.
      const firstDerived = kind.fields.findIndex((f) => !f.stored);
      if (firstDerived >= 0)
        expect(kind.fields.slice(firstDerived).every((f) => !f.stored)).toBe(true);
      for (const rule of kind.defaultRules) {
        expect(rule.target).toBe(kind.name);
        expect(kind.fields.map((f) => f.name)).toContain(rule.field);
      }
    }
    expect(storedFieldNames(kinds.require('system'))).not.toContain('load1PerCore');
  });

  it('refuses a kind registered twice, a reserved sample key, and names an unknown kind', () => {
    const [system, container] = defaultKinds();
    expect(() => createKindRegistry([system!, system!])).toThrow(/registered twice/);
    expect(() => createKindRegistry([{ ...container!, sampleKey: 'errors' }])).toThrow(
      /cannot use the sample key/,
    );
    expect(() => createKindRegistry([{ ...container!, name: 'bad name' }])).toThrow(/letters/);
    const kinds = createKindRegistry([system!, container!]);
    const error = (() => {
      try {
        kinds.require('gpu');
      } catch (e) {
        return e;
      }
    })();
    expect(PerfError.isInstance(error) && error.code).toBe('UNKNOWN_SERIES');
    expect((error as Error).message).toContain('known: system, container');
  });

  it('reads a kind out of a sample: a singleton as a list of one, an absent kind as undefined', () => {
    const [system, container] = defaultKinds();
    expect(metricsOf(system!, { system: null })).toEqual([]);
    expect(metricsOf(system!, { system: { a: 1 } })).toEqual([{ a: 1 }]);
    expect(metricsOf(container!, {})).toBeUndefined();
    expect(metricsOf(container!, { containers: [] })).toEqual([]);
  });

  it('prints a value in its unit', () => {
    expect(formatValue(91.684, 'percent')).toBe('91.7 %');
    expect(formatValue(256 * 2 ** 20, 'bytes')).toBe('256.0 MiB');
    expect(formatValue(2048, 'bytes/s')).toBe('2.0 KiB/s');
    expect(formatValue(2.5, 'load')).toBe('2.50');
    expect(formatValue(null, 'count')).toBe('-');
  });
});
