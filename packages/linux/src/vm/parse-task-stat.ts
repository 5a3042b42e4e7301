import { PerfError } from '@arcbox/perf-core';
import { parseCounter } from '../host/parse-number.js';

/** CPU time of a task from its `stat` file, in clock ticks (CLK_TCK). */
export interface TaskCpuTicks {
  utime: number;
  stime: number;
}

/**
 * Reads utime and stime, fields 14 and 15 of `/proc/<pid>/stat` or `/proc/<pid>/task/<tid>/stat`
 * (proc(5)). Counted after the last `)`, since the command name in parentheses may hold spaces
 * and parentheses itself (QEMU's vCPU threads are named `CPU 0/TCG`). Either field missing or
 * not a tick count (negative, fractional, past 2^53) is a PARSE_ERROR naming file and field:
 * these two are all that is read, so there is nothing to skip to, and a null would read as
 * "thread gone" to the callers.
 */
export function parseTaskStatCpuTicks(text: string, file = 'stat'): TaskCpuTicks {
  const close = text.lastIndexOf(')');
  if (close < 0)
    throw new PerfError('PARSE_ERROR', 'no command name in task stat', { file, line: 1 });
  // After ')' the fields start at field 3 (state): field N is at index N - 3.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const utime = parseCounter(fields[14 - 3]);
  const stime = parseCounter(fields[15 - 3]);
  if (utime === null) {
    throw new PerfError('PARSE_ERROR', 'bad utime in task stat', { file, line: 1, field: 'utime' });
  }
  if (stime === null) {
    throw new PerfError('PARSE_ERROR', 'bad stime in task stat', { file, line: 1, field: 'stime' });
  }
  return { utime, stime };
}
