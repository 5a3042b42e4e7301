import { describe, expect, it } from 'vitest';
import { type KnownSeries, resolveSeries } from './resolve-series.js';

const known: KnownSeries[] = [
  { key: 'system', kind: 'system', id: 'system', name: 'system' },
  { key: 'container:3f2a9c', kind: 'container', id: '3f2a9c', name: 'web' },
  { key: 'container:3f77aa', kind: 'container', id: '3f77aa', name: 'db' },
  { key: 'container:/jobs/a', kind: 'container', id: '/jobs/a', name: 'a' },
  { key: 'vm:web', kind: 'vm', id: 'web', name: 'web-vm' },
];

describe('resolveSeries', () => {
  it('takes a key, a name or a unique id prefix', () => {
    expect(resolveSeries('container:3f2a9c', known)).toBe('container:3f2a9c');
    expect(resolveSeries('container:web', known)).toBe('container:3f2a9c');
    expect(resolveSeries('container:3f2', known)).toBe('container:3f2a9c');
    expect(resolveSeries('container:/jobs/', known)).toBe('container:/jobs/a');
    expect(resolveSeries('vm:web-vm', known)).toBe('vm:web');
    // A name is looked up among its own kind only.
    expect(resolveSeries('vm:web', known)).toBe('vm:web');
  });

  it('passes a kind of one series on as it is', () => {
    expect(resolveSeries('system', [])).toBe('system');
  });

  it('refuses an ambiguous prefix, listing what it could mean', () => {
    expect(() => resolveSeries('container:3f', known)).toThrow(
      /"container:3f" names 2 series: container:3f2a9c \(web\), container:3f77aa \(db\)/,
    );
  });

  it('says which series are known when none matches', () => {
    expect(() => resolveSeries('container:nope', known)).toThrow(
      /no series "container:nope" \(known: system, container:3f2a9c \(web\), .*vm:web \(web-vm\)\)/,
    );
    expect(() => resolveSeries('container:x', [])).toThrow(/holds no series yet/);
    const many = Array.from({ length: 30 }, (_, i) => ({
      key: `container:c${i}`,
      kind: 'container',
      id: `c${i}`,
      name: `c${i}`,
    }));
    expect(() => resolveSeries('container:zz', many)).toThrow(/c19 and 10 more\)$/);
  });

  it('lists the series closest to a misspelt name first, so a long list still shows it', () => {
    const many: KnownSeries[] = Array.from({ length: 60 }, (_, i) => ({
      key: `container:a6e0${i}`,
      kind: 'container',
      id: `a6e0${i}`,
      name: `a6e0${i}`,
    }));
    many.push({ key: 'container:/shop-web', kind: 'container', id: '/shop-web', name: 'shop-web' });
    many.push({ key: 'vm:shop-wex', kind: 'vm', id: 'shop-wex', name: 'shop-wex' });
    // A prefix of the name, then a part of it; a series of another kind is not moved up.
    expect(() => resolveSeries('container:shop-wbe', many)).toThrow(
      /\(known: container:\/shop-web \(shop-web\), container:a6e00, .* and 42 more\)$/,
    );
    expect(() => resolveSeries('container:web', many)).toThrow(/\(known: container:\/shop-web /);
    // One letter in common is not closeness: the order stays as the history gave it.
    expect(() => resolveSeries('container:ax', many)).toThrow(/\(known: container:a6e00, /);
    expect(() => resolveSeries('container:shx', many)).toThrow(/\(known: container:a6e00, /);
  });
});
