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
  /**
   * Resident pages (field 24), null when absent: a hint that memory moved, never reported.
   * Since Linux 6.2 it is a quick read of per-CPU counters, off by the batches not yet folded
   * in (156 kB for pid 1 on a 6.18 kernel), where `status` VmRSS sums them exactly.
   */
  rssPages: number | null;
}

const SPACE = 32;
const TAB = 9;
const NEWLINE = 10;
const CR = 13;
/** The last field a reading needs (rss, as a hint): the rest of the line is not looked at. */
const LAST_FIELD = 24;

const isBlank = (c: number) => c === SPACE || c === TAB || c === NEWLINE || c === CR;

/**
 * Parses `/proc/<pid>/stat`. The command name sits in parentheses and may hold spaces and `)`
 * itself, so fields are counted after the last `)`. A file without the fields a reading needs
 * (pid, state, parent, CPU times, start time) is a PARSE_ERROR: there is nothing to skip to.
 * One pass over the characters up to field 22, a token sliced only for the fields read: every
 * process is parsed every round, and splitting the whole line was most of a round's cost.
 */
export function parseProcessStat(text: string, file = 'stat'): ProcessStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open)
    throw new PerfError('PARSE_ERROR', 'no command name in process stat', { file, line: 1 });
  let state: string | undefined;
  let ppid: number | null = null;
  let utime: number | null = null;
  let stime: number | null = null;
  let threads: number | null = null;
  let startTime: number | null = null;
  let rssPages: number | null = null;
  const end = text.length;
  let i = close + 1;
  // Field 3 (state) is the first token after ')'.
  for (let field = 3; field <= LAST_FIELD; field++) {
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const start = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    switch (field) {
      case 3:
        state = text.slice(start, i);
        break;
      case 4:
        ppid = parseCounter(text.slice(start, i));
        break;
      case 14:
        utime = parseCounter(text.slice(start, i));
        break;
      case 15:
        stime = parseCounter(text.slice(start, i));
        break;
      case 20:
        threads = parseCounter(text.slice(start, i));
        break;
      case 22:
        startTime = parseCounter(text.slice(start, i));
        break;
      case LAST_FIELD:
        rssPages = parseCounter(text.slice(start, i));
        break;
    }
  }
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
    comm: text.slice(open + 1, close),
    state: state!,
    ppid: ppid!,
    utime: utime!,
    stime: stime!,
    threads,
    startTime: startTime!,
    rssPages,
  };
}
