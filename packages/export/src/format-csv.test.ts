import { describe, expect, it } from 'vitest';
import { containerCsvColumns, csvField, formatCsv, systemCsvColumns } from './format-csv.js';
import { formatJson } from './format-json.js';
import { constructedContainer, constructedSystem } from './test-metrics.js';

describe('CSV', () => {
  it('quotes fields per RFC 4180 and leaves unknowns empty', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField(null)).toBe('');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
  });

  it('writes a header and one line per row with the numeric fields', () => {
    const csv = formatCsv([constructedSystem()], systemCsvColumns);
    const [header, row, end] = csv.split('\r\n');
    expect(header?.split(',').slice(0, 3)).toEqual(['time', 'cpuPercent', 'cpuUser']);
    expect(row?.split(',')[0]).toBe('2023-11-14T22:13:22.000Z');
    expect(row?.split(',').length).toBe(header?.split(',').length);
    expect(end).toBe('');
  });

  it('quotes container names with commas', () => {
    const csv = formatCsv([constructedContainer('x', 'a,b')], containerCsvColumns);
    expect(csv.split('\r\n')[1]).toMatch(/^[^,]+,x,"a,b",cgroup,/);
  });
});

describe('JSON', () => {
  it('keeps nulls for unknown rates', () => {
    const parsed = JSON.parse(formatJson({ system: constructedSystem() }));
    expect(parsed.system.memoryTotal).toBe(8 * 2 ** 30);
    expect(parsed.containers).toEqual([]);
    expect(parsed.system.cpuSteal).toBe(0);
  });
});
