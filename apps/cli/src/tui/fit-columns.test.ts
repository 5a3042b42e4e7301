import { describe, expect, it } from 'vitest';
import { formatTable } from '../render/format-table.js';
import { compactBytes, compactPair, type FitColumn, fitColumns } from './fit-columns.js';

interface Row {
  name: string;
  rate: number;
}
const columns: FitColumn<Row>[] = [
  { header: 'NAME', value: (r) => r.name, priority: Number.POSITIVE_INFINITY, minWidth: 6 },
  { header: 'KIND', value: () => 'container', priority: 10 },
  {
    header: 'RATE',
    value: (r) => `${r.rate} bytes per second`,
    align: 'right',
    priority: 50,
    compact: { header: 'RATE', value: (r) => compactBytes(r.rate) },
  },
  { header: 'LOW', value: () => 'x', priority: 5 },
];
const rows: Row[] = [{ name: 'a-rather-long-name', rate: 2048 }];
const headers = (width: number) => fitColumns(columns, rows, width).map((c) => c.header);

describe('fitColumns', () => {
  it('keeps every column in full when they fit', () => {
    const fitted = fitColumns(columns, rows, 200);
    expect(formatTable(fitted, rows)[1]).toBe(
      'a-rather-long-name  container  2048 bytes per second  x',
    );
  });

  it('drops the least useful column first, compacts before dropping what has a short form', () => {
    // A shorter name is enough at 50 cells; at 40 the least useful column goes, then the next.
    expect(headers(50)).toEqual(['NAME', 'KIND', 'RATE', 'LOW']);
    expect(headers(43)).toEqual(['NAME', 'KIND', 'RATE']);
    expect(headers(30)).toEqual(['NAME', 'RATE']);
    expect(formatTable(fitColumns(columns, rows, 30), rows)[1]).toBe(
      'a-rath…  2048 bytes per second',
    );
    expect(formatTable(fitColumns(columns, rows, 20), rows)[1]).toBe('a-rather-long…  2.0K');
    // Even compact forms go before the name does.
    expect(headers(8)).toEqual(['NAME']);
  });

  it('shortens a name with an ellipsis, and gives spare room back to it', () => {
    const [, narrow] = formatTable(fitColumns(columns, rows, 14), rows);
    expect(narrow).toMatch(/^a-rathe… +2\.0K$/);
    const [, roomy] = formatTable(fitColumns(columns, rows, 24), rows);
    expect(roomy).toBe('a-rather-long-name  2.0K');
  });

  it('keeps a name at its preferred width while other columns can still give way', () => {
    const preferring = columns.map((c) => (c.header === 'NAME' ? { ...c, preferredWidth: 12 } : c));
    const fitted = (width: number) => formatTable(fitColumns(preferring, rows, width), rows)[1];
    // Without a preferred width the name pays first: `a-rath…  2048 bytes per second`.
    expect(formatTable(fitColumns(columns, rows, 30), rows)[1]).toBe(
      'a-rath…  2048 bytes per second',
    );
    expect(fitted(30)).toBe('a-rather-long-name  2.0K');
    // Below it only when nothing else can give way.
    expect(fitted(12)).toBe('a-rat…  2.0K');
  });

  it('writes bytes compactly', () => {
    expect([0, 1023, 1536, 10 * 1024 ** 2, 3.5 * 1024 ** 3].map(compactBytes)).toEqual([
      '0B',
      '1023B',
      '1.5K',
      '10M',
      '3.5G',
    ]);
    expect(compactPair(null, 2048)).toBe('-/2.0K');
  });
});
