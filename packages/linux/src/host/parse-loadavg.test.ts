import { describe, expect, it } from 'vitest';
import { fixture, thrown } from './fixtures.test-support.js';
import { parseLoadavg } from './parse-loadavg.js';

describe('parseLoadavg', () => {
  it('reads the three averages of each capture', () => {
    expect(parseLoadavg(fixture('node_exporter/loadavg'))).toEqual({
      load1: 0.21,
      load5: 0.37,
      load15: 0.39,
    });
    expect(parseLoadavg(fixture('procfs/loadavg'))).toEqual({
      load1: 0.02,
      load5: 0.04,
      load15: 0.05,
    });
    expect(parseLoadavg(fixture('jc/loadavg'))).toEqual({ load1: 0, load5: 0.01, load15: 0.03 });
  });

  it('unreadable input names file and line', () => {
    expect(thrown(() => parseLoadavg('0.1 x 0.3 1/2 3\n', { file: 'l' }))).toMatchObject({
      code: 'PARSE_ERROR',
      file: 'l',
      line: 1,
    });
    expect(thrown(() => parseLoadavg(''))).toMatchObject({ code: 'PARSE_ERROR' });
  });
});
