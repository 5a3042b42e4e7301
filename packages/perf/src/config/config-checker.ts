import { parseDuration } from '@arcbox/perf-core';

/** One problem in a config: where (a key path) and what. */
export interface ConfigIssue {
  path: Array<string | number>;
  message: string;
  /** When the checker knows the line itself (rules checked by perf-history). */
  line?: number;
}

export type ConfigPath = Array<string | number>;
export type ConfigObject = Record<string, unknown>;

export const isConfigObject = (v: unknown): v is ConfigObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string "${v.length > 60 ? `${v.slice(0, 60)}…` : v}"`;
  return `${typeof v} ${JSON.stringify(v)}`;
}

/**
 * Checks for the values of a config (a file, or command-line flags shaped like one). Each
 * returns the value, or undefined after recording an issue at `path`. Unknown keys, wrong types
 * and impossible values are all issues: a typo must never fall back to a default silently.
 */
export interface ConfigChecker {
  readonly issues: ConfigIssue[];
  fail(path: ConfigPath, message: string): void;
  known(obj: ConfigObject, path: ConfigPath, keys: readonly string[]): void;
  str(
    v: unknown,
    path: ConfigPath,
    options?: { empty?: boolean; maxLength?: number },
  ): string | undefined;
  bool(v: unknown, path: ConfigPath): boolean | undefined;
  num(
    v: unknown,
    path: ConfigPath,
    min?: number,
    max?: number,
    integer?: boolean,
  ): number | undefined;
  /** A duration with a unit, in ms, within [minMs, maxMs]. */
  duration(v: unknown, path: ConfigPath, minMs: number, maxMs: number): number | undefined;
  strList(v: unknown, path: ConfigPath, maxItems?: number): string[] | undefined;
  section(v: unknown, path: ConfigPath): ConfigObject | undefined;
}

export function createConfigChecker(issues: ConfigIssue[] = []): ConfigChecker {
  const fail = (path: ConfigPath, message: string) => {
    issues.push({ path, message });
  };
  const str: ConfigChecker['str'] = (v, path, options = {}) => {
    if (typeof v !== 'string')
      return void fail(path, `must be a string, found ${describeValue(v)}`);
    if (!options.empty && v.trim() === '') return void fail(path, 'must not be empty');
    const max = options.maxLength ?? 4096;
    if (v.length > max) return void fail(path, `must be at most ${max} characters`);
    return v;
  };
  return {
    issues,
    fail,
    known(obj, path, keys) {
      for (const key of Object.keys(obj)) {
        if (!keys.includes(key))
          fail([...path, key], `unknown key (known here: ${keys.join(', ')})`);
      }
    },
    str,
    bool(v, path) {
      if (typeof v !== 'boolean')
        return void fail(path, `must be true or false, found ${describeValue(v)}`);
      return v;
    },
    num(v, path, min, max, integer = false) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        return void fail(path, `must be a number, found ${describeValue(v)}`);
      if (integer && !Number.isInteger(v))
        return void fail(path, `must be a whole number, found ${v}`);
      if (min !== undefined && v < min)
        return void fail(path, `must be at least ${min}, found ${v}`);
      if (max !== undefined && v > max)
        return void fail(path, `must be at most ${max}, found ${v}`);
      return v;
    },
    duration(v, path, minMs, maxMs) {
      if (typeof v === 'number')
        return void fail(path, `a duration needs a unit, e.g. "${v}s" or "${v}ms"`);
      if (typeof v !== 'string')
        return void fail(path, `must be a duration such as "10s", found ${describeValue(v)}`);
      const ms = parseDuration(v);
      if (ms === null)
        return void fail(
          path,
          `"${v}" is not a duration (use ms, s, m, h, d: "500ms", "10s", "1h30m")`,
        );
      if (ms < minMs) return void fail(path, `must be at least ${minMs} ms, found "${v}"`);
      if (ms > maxMs) return void fail(path, `must be at most ${maxMs} ms, found "${v}"`);
      return ms;
    },
    strList(v, path, maxItems = 1000) {
      if (!Array.isArray(v))
        return void fail(path, `must be a list of strings, found ${describeValue(v)}`);
      if (v.length > maxItems) return void fail(path, `must hold at most ${maxItems} items`);
      const out: string[] = [];
      v.forEach((item, i) => {
        const s = str(item, [...path, i]);
        if (s !== undefined) out.push(s);
      });
      return out;
    },
    section(v, path) {
      if (!isConfigObject(v))
        return void fail(path, `must be a mapping, found ${describeValue(v)}`);
      return v;
    },
  };
}
