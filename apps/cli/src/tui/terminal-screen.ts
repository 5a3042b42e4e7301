import { emitKeypressEvents } from 'node:readline';
import type { CliIo } from '../cli-context.js';
import type { KeyPress } from './top-state.js';

const ESC = '\x1b[';
const enterScreen = '\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J';
const leaveScreen = '\x1b[?1049l\x1b[?25h';

export interface TerminalScreen {
  readonly width: number;
  readonly height: number;
  /** Writes the lines that changed since the last frame, in one write. */
  draw(lines: readonly string[]): void;
  /** Leaves the alternate screen, shows the cursor, ends raw mode. Safe to call twice. */
  close(): void;
}

export interface TerminalScreenOptions {
  onKey(key: KeyPress): void;
  onResize(): void;
}

/**
 * A minimal full-screen renderer: alternate screen, raw keys through Node's own readline
 * keypress parser, and line diffing so an unchanged row costs nothing. The terminal is restored
 * on close, on process exit and on an uncaught error, whatever ends the view.
 */
export function createTerminalScreen(io: CliIo, options: TerminalScreenOptions): TerminalScreen {
  const out = io.stdout;
  const input = io.stdin;
  let previous: string[] = [];
  let closed = false;

  const onKeypress = (_: string | undefined, key: KeyPress | undefined) => {
    options.onKey(key ?? {});
  };
  const onResize = () => {
    previous = [];
    out.write(`${ESC}H${ESC}2J`);
    options.onResize();
  };
  const restore = () => {
    if (closed) return;
    closed = true;
    out.write(leaveScreen);
    input.setRawMode?.(false);
    input.removeListener('keypress', onKeypress);
    (out as NodeJS.EventEmitter).removeListener('resize', onResize);
    process.removeListener('exit', restore);
    input.pause();
  };
  const crash = (error: unknown) => {
    restore();
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  };

  emitKeypressEvents(input as NodeJS.ReadableStream & { isTTY?: boolean });
  input.setRawMode?.(true);
  input.on('keypress', onKeypress);
  input.resume();
  (out as NodeJS.EventEmitter).on('resize', onResize);
  process.on('exit', restore);
  process.once('uncaughtException', crash);
  out.write(enterScreen);

  return {
    get width() {
      return Math.max(20, out.columns ?? 80);
    },
    get height() {
      return Math.max(5, out.rows ?? 24);
    },
    draw(lines) {
      if (closed) return;
      let chunk = '';
      lines.forEach((line, row) => {
        if (previous[row] !== line) chunk += `${ESC}${row + 1};1H${line}${ESC}K`;
      });
      if (lines.length < previous.length) chunk += `${ESC}${lines.length + 1};1H${ESC}J`;
      previous = [...lines];
      if (chunk) out.write(chunk);
    },
    close() {
      restore();
      process.removeListener('uncaughtException', crash);
    },
  };
}
