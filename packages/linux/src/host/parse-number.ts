/** A kernel counter: decimal digits only, so a stray `-1` or `abc` marks the line as odd. */
export function parseCounter(token: string | undefined): number | null {
  if (token === undefined || !/^\d+$/.test(token)) return null;
  const value = Number(token);
  return Number.isFinite(value) ? value : null;
}

/** A non-negative decimal such as a load average (`0.53`) or a PSI average (`avg10=1.25`). */
export function parseDecimal(token: string | undefined): number | null {
  if (token === undefined || !/^\d+(\.\d+)?$/.test(token)) return null;
  const value = Number(token);
  return Number.isFinite(value) ? value : null;
}

/** Splits a line on runs of spaces and tabs, without empty tokens. */
export function fields(line: string): string[] {
  return line.split(/[ \t]+/).filter((t) => t !== '');
}
