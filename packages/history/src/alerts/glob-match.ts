/**
 * Whether `value` matches `pattern`, where `*` matches any run of characters and everything
 * else is literal. No backtracking: the literal pieces between stars are found left to right,
 * each at its first place after the one before (for star-only globs the leftmost place is
 * always a right one), so a match costs one pass of `indexOf` per piece whatever the pattern.
 * A regular expression from the same glob backtracks exponentially on `*-*-*-*-x`.
 */
export function globMatches(pattern: string, value: string): boolean {
  const star = pattern.indexOf('*');
  if (star < 0) return pattern === value;
  const pieces = pattern.split('*');
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (first.length + last.length > value.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece === '') continue;
    const found = value.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}
