import { execFileSync } from 'node:child_process';

/** Whether a program runs here (`tmux -V`, `promtool --version`): tests that need it skip, saying why. */
export function hasCommand(command: string, args: readonly string[]): boolean {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
