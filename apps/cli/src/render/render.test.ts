import { describe, expect, it } from 'vitest';
import { parseCliConfig, parseDurationMs } from '../cli-config.js';
import { wantsColor } from '../cli-context.js';
import { brailleChart } from './braille-chart.js';
import { formatField } from './format-field.js';
import { formatTable, truncate } from './format-table.js';
import { bar, sparkline } from './sparkline.js';

describe('sparkline and bar', () => {
  it('scales to the given maximum, leaves gaps for unknown values, pads on the left', () => {
    expect(sparkline([0, 50, 100, null], 4, 100)).toBe('▁▅█ ');
    expect(sparkline([100], 3, 100)).toBe('  █');
    expect(bar(50, 10)).toBe('█████░░░░░');
    expect(bar(null, 3)).toBe('   ');
  });
});

describe('brailleChart', () => {
  it('draws a rising line from the bottom-left to the top-right', () => {
    const rows = brailleChart([0, 1, 2, 3], { width: 4, height: 2, min: 0, max: 3 });
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => [...r].length === 4)).toBe(true);
    expect(rows[1]!.codePointAt(0)).toBeGreaterThan(0x2800); // bottom-left has dots
    expect([...rows[0]!].at(-1)!.codePointAt(0)).toBeGreaterThan(0x2800); // top-right has dots
    expect(rows[0]!.codePointAt(0)).toBe(0x2800); // top-left is empty
  });

  it('leaves a gap where values are missing', () => {
    const rows = brailleChart([null, null, null, null], { width: 2, height: 1 });
    expect(rows).toEqual(['\u2800\u2800']);
  });
});

describe('formatTable', () => {
  it('aligns columns and cuts long cells with an ellipsis', () => {
    const lines = formatTable(
      [
        { header: 'NAME', value: (r: { n: string; v: number }) => r.n, maxWidth: 6 },
        { header: 'VALUE', value: (r) => String(r.v), align: 'right' },
      ],
      [
        { n: 'a-very-long-name', v: 1 },
        { n: 'b', v: 1234 },
      ],
    );
    expect(lines).toEqual(['NAME    VALUE', 'a-ver…      1', 'b        1234']);
    expect(truncate('abc', 2)).toBe('a…');
  });
});

describe('formatField', () => {
  it('uses the unit the field name says', () => {
    expect(formatField('netRxBps', 2048)).toBe('2.0 KiB/s');
    expect(formatField('cpuPercent', 12.34)).toBe('12.3 %');
    expect(formatField('cpuIowait', 1)).toBe('1.0 %');
    expect(formatField('memoryUsed', 1024 ** 3)).toBe('1.0 GiB');
    expect(formatField('diskReadIops', 3)).toBe('3.0/s');
    expect(formatField('load1', 0.5)).toBe('0.50');
    expect(formatField('load1', null)).toBe('-');
  });
});

describe('wantsColor', () => {
  it('colors only a terminal, never with NO_COLOR or --no-color, and not for TERM=dumb', () => {
    expect(wantsColor({ isTTY: true }, {}, undefined)).toBe(true);
    expect(wantsColor({ isTTY: false }, {}, undefined)).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' }, undefined)).toBe(false);
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '' }, undefined)).toBe(true);
    expect(wantsColor({ isTTY: true }, {}, false)).toBe(false);
    expect(wantsColor({ isTTY: true }, { TERM: 'dumb' }, undefined)).toBe(false);
  });
});

describe("the agent's config file, as the CLI reads it", () => {
  it('takes interval, root, listen, token, cgroups and VM sockets, and ignores the agent-only keys', () => {
    const config = parseCliConfig(
      {
        interval: '1s500ms',
        root: '/host',
        listen: '0.0.0.0:9999',
        authToken: 'secret',
        sources: {
          containers: { paths: ['/jobs/*'] },
          vms: { socketDir: '/run/vms', sockets: ['/tmp/a.qmp'] },
        },
        rules: [{ name: 'cpu', field: 'cpuPercent', warn: 80 }],
        history: { retention: '1d' },
      },
      'agent.yaml',
    );
    expect(config).toMatchObject({
      intervalMs: 1500,
      root: '/host',
      agentUrl: 'http://127.0.0.1:9999',
      authToken: 'secret',
      cgroupPaths: ['/jobs/*'],
      vmDir: '/run/vms',
      qmpSockets: ['/tmp/a.qmp'],
    });
    expect(Object.keys(config)).not.toContain('rules');
  });

  it('rejects a bare number as a duration and names the field and file', () => {
    expect(parseDurationMs('10')).toBeNull();
    expect(parseDurationMs('10s5')).toBeNull();
    expect(() => parseCliConfig({ interval: 10 }, 'agent.yaml')).toThrow(
      /interval must be a duration.*agent\.yaml/,
    );
    expect(() => parseCliConfig({ sources: { containers: { paths: 'x' } } }, 'a.json')).toThrow(
      /sources\.containers\.paths/,
    );
  });
});
