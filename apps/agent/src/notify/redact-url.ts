/**
 * A webhook URL as it may appear in a log: scheme and host only. The path of many webhook URLs
 * is their secret (Slack, Teams), and user info and query strings carry credentials.
 */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    const hidden = u.pathname !== '/' || u.search !== '' || u.username !== '' || u.password !== '';
    return `${u.protocol}//${u.host}${hidden ? '/…' : '/'}`;
  } catch {
    return '(webhook URL)';
  }
}
