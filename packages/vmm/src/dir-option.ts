/**
 * A folder given once, or asked for at each use: a recording that keeps one folder per reading
 * (`readings/0001`, `readings/0002`, ...) passes a function returning the current one.
 */
export type DirOption = string | (() => string);

export function resolveDir(dir: DirOption): string {
  return typeof dir === 'function' ? dir() : dir;
}
