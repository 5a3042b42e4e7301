/** Most lines of an /etc/passwd read; the rest are left out (their uids show as numbers). */
export const PASSWD_MAX_LINES = 100_000;

/**
 * User names by uid from `/etc/passwd` (`name:x:uid:gid:...`). Odd lines (comments, NIS `+`
 * entries, a bad uid) are skipped; the first name of a uid wins, as getpwuid answers.
 */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  let lines = 0;
  for (const line of text.split('\n')) {
    if (++lines > PASSWD_MAX_LINES) break;
    const parts = line.split(':');
    const name = parts[0];
    if (!name || name.startsWith('#') || name.startsWith('+') || name.startsWith('-')) continue;
    const uid = Number(parts[2]);
    if (parts[2] === '' || !Number.isInteger(uid) || uid < 0) continue;
    if (!users.has(uid)) users.set(uid, name);
  }
  return users;
}
