import { binarySizeBytes } from './binary-size.js';

/**
 * Parses `sysctl name...` / `sysctl -a` output (`name: value` lines) into a map by name.
 * A line that does not start with a name is the continuation of a multi-line value (some
 * `kern.*` values span lines) and is appended to it, so it is never mistaken for a name.
 */
export function parseSysctl(text: string): Map<string, string> {
  const values = new Map<string, string>();
  let last: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const match = /^([A-Za-z_][\w.-]*):(?: (.*))?$/.exec(line);
    if (match) {
      last = match[1]!;
      values.set(last, (match[2] ?? '').trim());
    } else if (last !== null && line.trim() !== '') {
      values.set(last, `${values.get(last)}\n${line}`);
    }
  }
  return values;
}

/** A non-negative integer value, or null when the name is absent or holds something else. */
export function sysctlInteger(values: ReadonlyMap<string, string>, name: string): number | null {
  const value = values.get(name);
  if (value === undefined || !/^\d+$/.test(value)) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : null;
}

export interface SwapUsage {
  total: number;
  used: number;
  free: number;
  encrypted: boolean;
}

/**
 * `vm.swapusage: total = 2048.00M  used = 1017.50M  free = 1030.50M  (encrypted)`, in bytes.
 * sysctl prints two decimals of a unit, so the bytes are rounded to that precision.
 */
export function parseSwapUsage(value: string | undefined): SwapUsage | null {
  if (value === undefined) return null;
  const part = (name: string): number | null => {
    const m = new RegExp(`${name}\\s*=\\s*(\\d+(?:\\.\\d+)?)([BKMGT]?)`).exec(value);
    return m ? binarySizeBytes(m[1]!, m[2]!) : null;
  };
  const total = part('total');
  const used = part('used');
  const free = part('free');
  if (total === null || used === null || free === null) return null;
  return { total, used, free, encrypted: /\(encrypted\)/.test(value) };
}

/** `vm.loadavg: { 1.28 1.18 1.13 }`; null when it is not three non-negative decimals up to 2^53. */
export function parseSysctlLoadavg(
  value: string | undefined,
): { load1: number; load5: number; load15: number } | null {
  const m = value
    ? /^\{\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s*\}/.exec(value)
    : null;
  if (!m) return null;
  const [load1, load5, load15] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  // Past 2^53 (or 308 digits, Infinity) no load average is real.
  if (Math.max(load1, load5, load15) > Number.MAX_SAFE_INTEGER) return null;
  return { load1, load5, load15 };
}
