import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasCommand } from './has-command.js';

export const hasTmux = hasCommand('tmux', ['-V']);

/** A tmux server of its own (-L) running one program in a pane of a known size. */
export interface TmuxSession {
  /** The visible screen, as a person sees it (no escape codes). */
  screen(): Promise<string>;
  /** The visible screen with its colors and attributes as escape sequences (capture-pane -e). */
  styledScreen(): Promise<string>;
  /** `send-keys`, each argument a tmux key name (`m`, `Enter`, `C-c`) or, with literal, text. */
  keys(keys: string[], literal?: boolean): Promise<void>;
  /** A `display-message` format such as `#{pane_dead}` or `#{alternate_on}`. */
  format(spec: string): Promise<string>;
  resize(width: number, height: number): Promise<void>;
  /** Polls the screen until `test` passes; throws with the last screen after `timeoutMs`. */
  waitFor(test: (screen: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  kill(): Promise<void>;
}

function tmux(socket: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'tmux',
      ['-S', socket, '-f', '/dev/null', ...args],
      { timeout: 10_000 },
      (error, stdout) => (error ? reject(error) : resolve(stdout)),
    );
  });
}

/**
 * Starts `argv` in a detached session. The program runs under a fixed `sh` script that takes it
 * as "$@" (nothing is interpolated into the script), prints `exited <code>` when it ends and
 * keeps the pane alive, so the test can read the restored terminal as a person would see it.
 */
export async function startTmux(
  argv: string[],
  size: { width: number; height: number },
  env: Record<string, string> = {},
): Promise<TmuxSession> {
  // A server of its own, on a socket in a folder of its own that kill() removes.
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-cli-tmux-'));
  const socket = join(dir, 'tmux.sock');
  const envArgs = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await tmux(socket, [
    'new-session',
    '-d',
    '-s',
    'cli',
    '-x',
    String(size.width),
    '-y',
    String(size.height),
    ...envArgs,
    '--',
    'sh',
    '-c',
    '"$@"; echo "exited $?"; exec sleep 600',
    'sh',
    ...argv,
  ]);
  const session: TmuxSession = {
    screen: () => tmux(socket, ['capture-pane', '-p', '-t', 'cli']),
    styledScreen: () => tmux(socket, ['capture-pane', '-p', '-e', '-t', 'cli']),
    keys: async (keys, literal = false) => {
      await tmux(socket, ['send-keys', '-t', 'cli', ...(literal ? ['-l'] : []), ...keys]);
    },
    format: async (spec) =>
      (await tmux(socket, ['display-message', '-p', '-t', 'cli', spec])).trim(),
    resize: async (width, height) => {
      await tmux(socket, ['resize-window', '-t', 'cli', '-x', String(width), '-y', String(height)]);
    },
    async waitFor(test, what, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last = '';
      while (Date.now() < until) {
        last = await session.screen();
        if (test(last)) return last;
        await sleep(100);
      }
      throw new Error(`timed out waiting for ${what}; screen was:\n${last}`);
    },
    kill: async () => {
      await tmux(socket, ['kill-server']).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return session;
}
