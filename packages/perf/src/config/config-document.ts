import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { PerfError, withTimeout } from '@arcbox/perf-core';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { ConfigIssue } from './config-checker.js';

/** A config file larger than this is refused before it is read (configs are untrusted input). */
export const MAX_CONFIG_BYTES = 1024 * 1024;

/** A parsed config file: its value, and the line of any key path in it. */
export interface ConfigDocument {
  file: string;
  text: string;
  value: unknown;
  lineOf(path: ReadonlyArray<string | number>): number | undefined;
}

/**
 * YAML or JSON text (JSON is read by the same YAML 1.2 parser, which keeps line numbers for
 * both; a `.json` file is also held to JSON's stricter grammar). A syntax error is a
 * CONFIG_ERROR saying `file:line: ...`.
 */
export function parseConfigDocument(text: string, file: string): ConfigDocument {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (file.endsWith('.json')) {
    const yamlError = doc.errors[0];
    checkJson(text, file, yamlError ? lineCounter.linePos(yamlError.pos[0]).line : undefined);
  }
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    const error = new PerfError('CONFIG_ERROR', '', { file, line });
    error.message = `${file}:${line}: not valid YAML or JSON: ${syntax.message.split('\n')[0]}`;
    throw error;
  }
  let value: unknown = {};
  try {
    // An alias that expands to millions of nodes (a "billion laughs" file) stops here.
    if (doc.contents !== null) value = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    const error = new PerfError('CONFIG_ERROR', '', { file, cause });
    error.message = `${file}: cannot be read as a config: ${(cause as Error).message}`;
    throw error;
  }
  const lineOf = (path: ReadonlyArray<string | number>): number | undefined => {
    // The key's own line when it exists, else its nearest existing parent's.
    for (let n = path.length; n >= 0; n -= 1) {
      const parentPath = path.slice(0, Math.max(0, n - 1));
      const parent = parentPath.length === 0 ? doc.contents : doc.getIn(parentPath, true);
      if (n > 0 && isMap(parent)) {
        const pair = parent.items.find(
          (p) => (p.key as { value?: unknown } | null)?.value === path[n - 1],
        );
        const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
        if (range) return lineCounter.linePos(range[0]).line;
      }
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const range = (node as { range?: [number, number, number] } | null)?.range;
      if (range) return lineCounter.linePos(range[0]).line;
    }
    return undefined;
  };
  return { file, text, value, lineOf };
}

/** YAML accepts what JSON does not (trailing commas, comments): a .json file is held to JSON. */
function checkJson(text: string, file: string, fallbackLine: number | undefined): void {
  try {
    JSON.parse(text);
  } catch (cause) {
    const message = (cause as Error).message;
    const position = /position (\d+)/.exec(message);
    // Node 20 gives a position for some JSON errors only; the YAML parser's line stands in.
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : fallbackLine;
    const error = new PerfError('CONFIG_ERROR', '', {
      file,
      ...(line === undefined ? {} : { line }),
      cause,
    });
    error.message = `${file}${line === undefined ? '' : `:${line}`}: not valid JSON: ${message}`;
    throw error;
  }
}

/** `sources.vms.sockets[2]` from a key path. */
export function keyText(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (out, k) => (typeof k === 'number' ? `${out}[${k}]` : out === '' ? k : `${out}.${k}`),
    '',
  );
}

/**
 * Every issue as one `file:line: key: problem` line in one CONFIG_ERROR, which names the first
 * one's file, line and key. `where` is the file, or what stood for one (`command line`).
 */
export function configError(
  where: string,
  issues: readonly ConfigIssue[],
  lineOf: (path: ReadonlyArray<string | number>) => number | undefined = () => undefined,
): PerfError {
  const lines = issues.map((issue) => {
    const line = issue.line ?? lineOf(issue.path);
    return `${where}${line === undefined ? '' : `:${line}`}: ${keyText(issue.path) || '(top level)'}: ${issue.message}`;
  });
  const first = issues[0];
  const line = first ? (first.line ?? lineOf(first.path)) : undefined;
  const error = new PerfError('CONFIG_ERROR', '', {
    file: where,
    ...(line === undefined ? {} : { line }),
    ...(first ? { field: keyText(first.path) } : {}),
  });
  // Each line already names file, line and key; PerfError's "(file:line, field x)" suffix would repeat them.
  error.message = lines.join('\n');
  return error;
}

/**
 * A config file's text: a regular file of at most `maxBytes`, read within `timeoutMs`. Opened
 * non-blocking, so a FIFO in its place never blocks; anything but a regular file is refused.
 */
export async function readConfigFile(
  file: string,
  options: { signal?: AbortSignal; timeoutMs?: number; maxBytes?: number } = {},
): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_CONFIG_BYTES;
  const read = async (signal: AbortSignal) => {
    const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new Error('not a regular file');
      if (stat.size > maxBytes) throw new Error(`${stat.size} bytes; at most ${maxBytes} are read`);
      return await handle.readFile({ encoding: 'utf8', signal });
    } finally {
      await handle.close();
    }
  };
  try {
    return await withTimeout(read, options.timeoutMs ?? 5000, `reading ${file}`, options.signal);
  } catch (cause) {
    const error = new PerfError('CONFIG_ERROR', '', { file, cause });
    error.message = `${file}: cannot read the config file: ${(cause as Error).message}`;
    throw error;
  }
}
