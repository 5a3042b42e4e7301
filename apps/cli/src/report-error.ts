import { PerfError } from '@arcbox/perf-core';
import type { Colors } from './cli-context.js';

/**
 * One line on stderr saying what went wrong (with PerfError's code); the stack and the chain of
 * causes only with --debug, since a user needs the message, not our internals.
 */
export function formatError(error: unknown, options: { debug: boolean; color: Colors }): string {
  const c = options.color;
  const message = error instanceof Error ? withoutRepeatedFile(error) : String(error);
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

/**
 * A PerfError's message ends with `(file:line, field x)`; where the message names the file
 * already (most do, often through Node's own `open '<file>'`), the path is said once.
 */
function withoutRepeatedFile(error: Error): string {
  if (!PerfError.isInstance(error) || error.file === undefined) return error.message;
  const { file, line, field } = error;
  const where = line === undefined ? file : `${file}:${line}`;
  const fieldText = field === undefined ? [] : [`field ${field}`];
  const suffix = ` (${[where, ...fieldText].join(', ')})`;
  if (!error.message.endsWith(suffix)) return error.message;
  const body = error.message.slice(0, -suffix.length);
  if (!body.includes(file)) return error.message;
  const rest = [
    ...(line === undefined || body.includes(where) ? [] : [`line ${line}`]),
    ...fieldText,
  ];
  return rest.length === 0 ? body : `${body} (${rest.join(', ')})`;
}
