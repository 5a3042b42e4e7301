import { PerfError } from '@arcbox/perf-core';
import type { Colors } from './cli-context.js';

/**
 * One line on stderr saying what went wrong (with PerfError's code); the stack and the chain of
 * causes only with --debug, since a user needs the message, not our internals.
 */
export function formatError(error: unknown, options: { debug: boolean; color: Colors }): string {
  const c = options.color;
  const message = error instanceof Error ? error.message : String(error);
  const code = PerfError.isInstance(error) ? ` [${error.code}]` : '';
  const lines = [`${c.red('arcbox-perf: error')}: ${message}${code}`];
  if (options.debug) {
    let current: unknown = error;
    let depth = 0;
    while (current instanceof Error && depth < 8) {
      lines.push(
        depth === 0
          ? (current.stack ?? current.message)
          : `caused by: ${current.stack ?? current.message}`,
      );
      current = current.cause;
      depth += 1;
    }
  } else {
    lines.push(c.dim('(run with --debug for details)'));
  }
  return `${lines.join('\n')}\n`;
}
