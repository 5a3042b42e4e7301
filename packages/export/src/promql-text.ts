/** Pieces of PromQL text: string literals, label matchers, durations. */

/** A PromQL double-quoted string (Go's escapes). */
export function promString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `=` for a literal, `=~` with an anchored (Prometheus anchors it), escaped regex for a `*` glob. */
export function globMatcher(glob: string): string {
  if (!glob.includes('*')) return `=${promString(glob)}`;
  const regex = glob
    .split('*')
    .map((piece) => piece.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))
    .join('.*');
  return `=~${promString(regex)}`;
}

/** A Prometheus duration from milliseconds: `15m`, `59s999ms`, `1h30m`. */
export function promDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  const parts: string[] = [];
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

/**
 * Whether an expression needs no parentheses before a comparison: a selector, or one call or
 * parenthesised group spanning the whole text (quotes are skipped when counting parentheses).
 */
export function isAtom(expr: string): boolean {
  if (/^[\w:]+(\{[^}]*\})?$/.test(expr)) return true;
  const open = /^[\w:]*\(/.exec(expr);
  if (!open) return false;
  let depth = 0;
  let quoted = false;
  for (let i = open[0].length - 1; i < expr.length; i++) {
    const ch = expr[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return i === expr.length - 1;
  }
  return false;
}
