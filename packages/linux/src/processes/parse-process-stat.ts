import { PerfError } from '@arcbox/perf-core';
import { parseCounter } from '../host/parse-number.js';

/** The fields of `/proc/<pid>/stat` a process reading uses (proc(5)); times in clock ticks. */
export interface ProcessStat {
  comm: string;
  state: string;
  ppid: number;
  utime: number;
  stime: number;
  threads: number | null;
  /** Clock ticks after boot the process started (field 22). */
  startTime: number;
}

/**
 * Parses `/proc/<pid>/stat`. The command name sits in parentheses and may hold spaces and `)`
 * itself, so fields are counted after the last `)`. A file without the fields a reading needs
 * (pid, state, parent, CPU times, start time) is a PARSE_ERROR: there is nothing to skip to.
 */
export function parseProcessStat(text: string, file = 'stat'): ProcessStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open)
    throw new PerfError('PARSE_ERROR', 'no command name in process stat', { file, line: 1 });
  const comm = text.slice(open + 1, close);
  // After ')' the fields start at field 3 (state): field N is at index N - 3.
  const fields = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = fields[0];
  const ppid = parseCounter(fields[4 - 3]);
  const utime = parseCounter(fields[14 - 3]);
  const stime = parseCounter(fields[15 - 3]);
  const startTime = parseCounter(fields[22 - 3]);
  const bad =
    state === undefined || state.length !== 1
      ? 'state'
      : ppid === null
        ? 'ppid'
        : utime === null
          ? 'utime'
          : stime === null
            ? 'stime'
            : startTime === null
              ? 'starttime'
              : null;
  if (bad !== null)
    throw new PerfError('PARSE_ERROR', `bad ${bad} in process stat`, { file, line: 1, field: bad });
  return {
    comm,
    state: state!,
    ppid: ppid!,
    utime: utime!,
    stime: stime!,
    threads: parseCounter(fields[20 - 3]),
    startTime: startTime!,
  };
}
