import { PerfError } from '@arcbox/perf-core';

/** One row of the processes `ps` lists (see `darwinPsArgs`). */
export interface PsRow {
  pid: number;
  ppid: number;
  uid: number;
  /** Resident set, bytes (`rss` is KiB). */
  residentBytes: number;
  /** Cumulative CPU time, seconds (`time`: user + system). */
  cpuSeconds: number;
  /** Cumulative user CPU time, seconds (`utime`); null in output without that column. */
  cpuUserSeconds: number | null;
  /** First letter of `state` (`R`, `S`, `I`, `U`, `Z`, `T`). */
  state: string;
  /** `lstart` as seconds since the epoch (local time, whole seconds). */
  startTime: number;
  user: string;
  /** `comm`: the executable's path (may hold spaces); the rest of the line. */
  comm: string;
}

/**
 * The `-o` columns, each with an empty header (`=`) so no header line is printed. `comm` comes
 * last: it is the only column that may hold spaces. `lstart` is always five words
 * (`Sat Dec  5 15:21:11 2026`). `utime` (user CPU, same layout as `time`) splits CPU into user
 * and system (`time` − `utime`).
 */
export const PS_COLUMNS = 'pid=,ppid=,uid=,rss=,time=,utime=,state=,lstart=,user=,comm=';

/** `ps -axww -o ...`: every process, no width limit. */
export const darwinPsArgs: readonly string[] = ['-axww', '-o', PS_COLUMNS];

/** Most rows read from one `ps` output. */
export const PS_MAX_ROWS = 100_000;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Parses `time`: BSD ps prints `mmm:ss.cc` (minutes unbounded, hundredths); other layouts
 * (`[dd-]hh:mm:ss`) are read too. null when it is not a time.
 */
export function parsePsTime(text: string): number | null {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)$/.exec(text);
  if (!m) return null;
  const [, days, hours, minutes, seconds] = m;
  return (
    Number(days ?? 0) * 86_400 + Number(hours ?? 0) * 3600 + Number(minutes) * 60 + Number(seconds)
  );
}

/** `lstart` words (`Sat Dec 5 15:21:11 2026`) to seconds since the epoch, local time; null if odd. */
export function parseLstart(words: readonly string[]): number | null {
  const [, month, day, hms, year] = words;
  const mi = MONTHS.indexOf(month ?? '');
  const t = /^(\d{1,2}):(\d{2}):(\d{2})$/.exec(hms ?? '');
  if (mi < 0 || !t || !/^\d{1,2}$/.test(day ?? '') || !/^\d{4}$/.test(year ?? '')) return null;
  const ms = new Date(
    Number(year),
    mi,
    Number(day),
    Number(t[1]),
    Number(t[2]),
    Number(t[3]),
  ).getTime();
  return Number.isFinite(ms) ? ms / 1000 : null;
}

/**
 * Parses the output of `ps` with `darwinPsArgs`. A line it cannot read (a header, a truncated
 * row) is skipped; output with lines but not one readable row is a PARSE_ERROR (a layout never
 * seen, not "no processes": ps always lists itself).
 */
export function parsePs(text: string): PsRow[] {
  const rows: PsRow[] = [];
  let lines = 0;
  let seen = 0;
  for (const raw of text.split('\n')) {
    if (++lines > PS_MAX_ROWS) break;
    const line = raw.trim();
    if (line === '') continue;
    seen += 1;
    const words = line.split(/\s+/);
    // Recordings made before `utime` was asked for lack that column: a state, not a time, follows `time`.
    const user = words.length >= 6 ? parsePsTime(words[5]!) : null;
    const at = user === null ? 5 : 6;
    if (words.length < at + 8) continue;
    const [pid, ppid, uid, rss, time] = words;
    const state = words[at];
    const nums = [pid, ppid, uid, rss].map((w) => (/^\d+$/.test(w ?? '') ? Number(w) : null));
    const cpu = parsePsTime(time ?? '');
    const start = parseLstart(words.slice(at + 1, at + 6));
    if (nums.includes(null) || cpu === null || start === null || !state) continue;
    // comm is the rest of the line after the user word, spaces kept.
    const comm = restAfter(line, at + 7);
    rows.push({
      pid: nums[0]!,
      ppid: nums[1]!,
      uid: nums[2]!,
      residentBytes: nums[3]! * 1024,
      cpuSeconds: cpu,
      // Both are rounded to hundredths: user can exceed the total by that rounding, never more.
      cpuUserSeconds: user === null ? null : Math.min(user, cpu),
      state: state[0]!,
      startTime: start,
      user: words[at + 6]!,
      comm,
    });
  }
  if (seen > 0 && rows.length === 0)
    throw new PerfError('PARSE_ERROR', 'no process row readable in ps output', { file: 'ps' });
  return rows;
}

/** The line after its first `n` whitespace-separated words. */
function restAfter(line: string, n: number): string {
  let i = 0;
  for (let w = 0; w < n; w++) {
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
  }
  return line.slice(i);
}
