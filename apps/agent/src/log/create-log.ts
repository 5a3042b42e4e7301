export interface AgentLog {
  (line: string): void;
  /** The secrets in force (the token): replaced wherever they would appear in a line. */
  setSecrets(secrets: ReadonlyArray<string | null>): void;
  /** `text` with every secret replaced. */
  redact(text: string): string;
}

/**
 * The agent's log: one timestamped line per call on `write`. Tokens are kept out of messages
 * where they are made; this is the last guard, for a message that echoes user input.
 */
export function createLog(write: (text: string) => void, now: () => Date = () => new Date()) {
  let secrets: string[] = [];
  const redact = (text: string) =>
    secrets.reduce((out, s) => out.split(s).join('<redacted>'), text);
  const log = ((line: string) => write(`${now().toISOString()} ${redact(line)}\n`)) as AgentLog;
  log.setSecrets = (next) => {
    // Longest first, so a secret that contains another is replaced whole.
    secrets = next
      .filter((s): s is string => typeof s === 'string' && s.length >= 4)
      .sort((a, b) => b.length - a.length);
  };
  log.redact = redact;
  return log;
}
