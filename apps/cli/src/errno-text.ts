/**
 * What went wrong with a file, without the path: Node's messages end in `, open '<path>'`,
 * and an error that already names the file would print it twice.
 */
export function errnoText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as NodeJS.ErrnoException;
  if (code === undefined) return error.message;
  const m = /^[A-Z0-9_]+: (.*?)(?:, \w+ '.*')?$/s.exec(error.message);
  return m?.[1] ? `${m[1]} (${code})` : error.message;
}
