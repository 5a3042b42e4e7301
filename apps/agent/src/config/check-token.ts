/** Longest token accepted: a bearer token is a header value, not a document. */
export const MAX_TOKEN_LENGTH = 4096;

/**
 * Why `token` cannot be the agent's bearer token, or null when it can. Tokens are compared
 * exactly, so whitespace around one (a stray newline from `echo`) would make it unmatchable:
 * it is refused rather than trimmed silently. The text never appears in the answer.
 */
export function tokenProblem(token: string): string | null {
  if (token === '') return 'must not be empty';
  if (token.trim() !== token)
    return 'must not begin or end with whitespace (a token is compared exactly: remove the spaces or line break)';
  if (/[\s\p{Cc}]/u.test(token)) return 'must not contain whitespace or control characters';
  if (token.length > MAX_TOKEN_LENGTH) return `must be at most ${MAX_TOKEN_LENGTH} characters`;
  return null;
}

/** What a non-string secret was, without its value. */
export function secretTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value === 'object' ? 'mapping' : typeof value}`;
}
