import { readFile } from 'node:fs/promises';
import { PerfError } from '@arcbox/perf-core';
import { parseAlertRules } from '@arcbox/perf-history';
import { isMap, LineCounter, parseDocument } from 'yaml';
import type { AgentConfig } from './agent-config.js';
import { defaultConfig } from './default-config.js';
import { type ConfigIssue, validateConfig } from './validate-config.js';

/**
 * Builds the config from a YAML or JSON text (JSON is read by the same YAML 1.2 parser, which
 * keeps line numbers for both). Every problem is collected; the PerfError names the first one's
 * file, line and key, and its message lists them all, one `file:line: key: problem` per line.
 */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): AgentConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (file.endsWith('.json')) {
    const yamlError = doc.errors[0];
    checkJson(text, file, yamlError ? lineCounter.linePos(yamlError.pos[0]).line : undefined);
  }
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new PerfError(
      'CONFIG_ERROR',
      `${file}:${line}: not valid YAML or JSON: ${syntax.message.split('\n')[0]}`,
      {
        file,
        line,
      },
    );
  }
  const value: unknown = doc.contents === null ? {} : doc.toJS();
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
  const { config, issues } = validateConfig(value, defaultConfig(env));
  if (
    typeof value === 'object' &&
    value !== null &&
    Array.isArray((value as { rules?: unknown }).rules)
  ) {
    // perf-history reads a map with a `rules` list and checks each rule on its own.
    const parsed = parseAlertRules(text, { source: file });
    for (const error of parsed.errors) {
      const field = error.field ?? 'rules';
      const path = field
        .split(/[.[\]]/)
        .filter((p) => p !== '')
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      issues.push({
        path,
        message: error.message.replace(/ \([^)]*\)$/, ''),
        ...(error.line === undefined ? {} : { line: error.line }),
      });
    }
    config.rules = parsed.rules;
  }
  if (issues.length > 0) throw configError(file, issues, lineOf);
  return { ...config, file };
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

function keyText(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (out, k) => (typeof k === 'number' ? `${out}[${k}]` : out === '' ? k : `${out}.${k}`),
    '',
  );
}

function configError(
  file: string,
  issues: ConfigIssue[],
  lineOf: (path: ReadonlyArray<string | number>) => number | undefined,
): PerfError {
  const lines = issues.map((issue) => {
    const line = issue.line ?? lineOf(issue.path);
    return `${file}${line === undefined ? '' : `:${line}`}: ${keyText(issue.path) || '(top level)'}: ${issue.message}`;
  });
  const first = issues[0]!;
  const line = first.line ?? lineOf(first.path);
  const error = new PerfError('CONFIG_ERROR', lines.join('\n'), {
    file,
    ...(line === undefined ? {} : { line }),
    field: keyText(first.path),
  });
  // Each line already names file, line and key; PerfError's "(file:line, field x)" suffix would repeat them.
  error.message = lines.join('\n');
  return error;
}

export async function loadConfigFile(
  file: string,
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(file, {
      encoding: 'utf8',
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (cause) {
    throw new PerfError(
      'CONFIG_ERROR',
      `${file}: cannot read the config file: ${(cause as Error).message}`,
      {
        file,
        cause,
      },
    );
  }
  return parseConfig(text, file, options.env);
}
