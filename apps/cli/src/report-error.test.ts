import { PerfError } from '@arcbox/perf-core';
import { createColors } from 'picocolors';
import { describe, expect, it } from 'vitest';
import { formatError } from './report-error.js';

const plain = { debug: false, color: createColors(false) };
const first = (error: unknown) => formatError(error, plain).split('\n')[0];

describe('formatError', () => {
  it('says a file once when the message already names it', () => {
    const cause = Object.assign(
      new Error("ENOENT: no such file or directory, open '/etc/x/rules.yaml'"),
      { code: 'ENOENT' },
    );
    const error = new PerfError('READ_ERROR', `cannot read alert rules: ${cause.message}`, {
      file: '/etc/x/rules.yaml',
      cause,
    });
    expect(first(error)).toBe(
      "arcbox-perf: error: cannot read alert rules: ENOENT: no such file or directory, open '/etc/x/rules.yaml' [READ_ERROR]",
    );
  });

  it('keeps the line and field when only the file was repeated', () => {
    const error = new PerfError('CONFIG_ERROR', 'in /a/rules.yaml: bad threshold', {
      file: '/a/rules.yaml',
      line: 3,
      field: 'warn',
    });
    expect(first(error)).toBe(
      'arcbox-perf: error: in /a/rules.yaml: bad threshold (line 3, field warn) [CONFIG_ERROR]',
    );
  });

  it('keeps the location where the message does not name the file', () => {
    const error = new PerfError('CONFIG_ERROR', 'bad threshold', {
      file: '/a/rules.yaml',
      line: 3,
    });
    expect(first(error)).toBe('arcbox-perf: error: bad threshold (/a/rules.yaml:3) [CONFIG_ERROR]');
  });
});
