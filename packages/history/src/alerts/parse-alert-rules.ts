import { open } from 'node:fs/promises';
import { createRequire } from 'node:module';
import {
  type AlertComparison,
  type AlertRule,
  type AlertWindowAggregation,
  type AnyKind,
  type KindRegistry,
  PerfError,
  type SeriesMatcher,
  withTimeout,
} from '@arcbox/perf-core';
import type * as Yaml from 'yaml';
import type { Node } from 'yaml';
import { defaultKindRegistry } from '../series-key.js';
import { parseDurationSeconds } from './duration.js';

export interface ParsedAlertRules {
  /** Every rule that is valid, in file order. */
  rules: AlertRule[];
  /** One CONFIG_ERROR per problem, naming the rule, the field and what was wrong. */
  errors: PerfError[];
}

export interface ParseAlertRulesOptions {
  /** Shown in errors (the file path). */
  source?: string;
  /** The kinds rules may name; the ones arcbox-perf ships when omitted. */
  kinds?: KindRegistry;
}

/** A rules file larger than this is refused before it is read. */
export const MAX_RULES_FILE_BYTES = 1024 * 1024;
/** A window holds every value of its span per series: an hour at 1 Hz is 3,600 numbers. */
export const MAX_WINDOW_SECONDS = 3600;
/** Longer than any alert people wait for; also keeps every duration far below Node's timer limit. */
export const MAX_FOR_SECONDS = 7 * 86_400;

// The YAML parser is loaded on the first parse, not on import: it costs about 8 MB of memory,
// which a process that keeps history but never reads a rules file should not pay.
const requireYaml = createRequire(import.meta.url);
let yamlModule: typeof Yaml | null = null;
const yaml = (): typeof Yaml => {
  yamlModule ??= requireYaml('yaml') as typeof Yaml;
  return yamlModule;
};

const KEYS = new Set([
  'name',
  'description',
  'metric',
  'match',
  'comparison',
  'warn',
  'crit',
  'clear',
  'window',
  'for',
]);
const COMPARISONS: readonly AlertComparison[] = ['>', '>=', '<', '<='];
const AGGREGATIONS: readonly AlertWindowAggregation[] = ['avg', 'max', 'min', 'last', 'sum'];

/**
 * Reads alert rules from YAML or JSON text (JSON is read by the same YAML 1.2 parser, which
 * gives line numbers for both): either a list of rules or `{ rules: [...] }`. Each rule is
 * checked on its own, so one bad rule is reported and left out while the good ones load.
 */
export function parseAlertRules(
  text: string,
  options: ParseAlertRulesOptions = {},
): ParsedAlertRules {
  const file = options.source;
  const kinds = options.kinds ?? defaultKindRegistry();
  const { isMap, isSeq, LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  if (doc.errors.length > 0) {
    return {
      rules: [],
      errors: doc.errors.map(
        (e) =>
          new PerfError(
            'CONFIG_ERROR',
            `alert rules are not valid YAML/JSON: ${e.message.split('\n')[0]}`,
            {
              ...(file === undefined ? {} : { file }),
              line: e.linePos?.[0]?.line ?? 1,
              cause: e,
            },
          ),
      ),
    };
  }
  const root = doc.contents;
  const list = isSeq(root) ? root : isMap(root) ? root.get('rules', true) : null;
  if (!isSeq(list)) {
    return {
      rules: [],
      errors: [
        new PerfError('CONFIG_ERROR', 'alert rules must be a list, or a map with a "rules" list', {
          ...(file === undefined ? {} : { file }),
          line: lineOf(root as Node) ?? 1,
          field: 'rules',
        }),
      ],
    };
  }
  const rules: AlertRule[] = [];
  const errors: PerfError[] = [];
  const names = new Set<string>();
  list.items.forEach((item, i) => {
    const raw = (item as Node & { toJSON(): unknown }).toJSON();
    const fieldLine = (key: string) =>
      isMap(item)
        ? (lineOf(item.get(key, true) as Node) ?? lineOf(item as Node))
        : lineOf(item as Node);
    const problems: Array<{ key: string; message: string }> = [];
    const rule = checkRule(raw, kinds, (key, message) => problems.push({ key, message }));
    const label =
      typeof (raw as { name?: unknown })?.name === 'string'
        ? `"${(raw as { name: string }).name}"`
        : `#${i + 1}`;
    if (rule && names.has(rule.name))
      problems.push({ key: 'name', message: 'is used by an earlier rule' });
    for (const p of problems) {
      errors.push(
        new PerfError('CONFIG_ERROR', `alert rule ${label}: "${p.key}" ${p.message}`, {
          ...(file === undefined ? {} : { file }),
          line: fieldLine(p.key) ?? 1,
          field: `rules[${i}].${p.key}`,
        }),
      );
    }
    if (rule && problems.length === 0) {
      names.add(rule.name);
      rules.push(rule);
    }
  });
  return { rules, errors };
}

/** Reads a rules file (`.yaml`, `.yml` or `.json`); the file must be readable, the rules are checked one by one. */
export async function loadAlertRules(
  path: string,
  options: { signal?: AbortSignal; timeoutMs?: number; kinds?: KindRegistry } = {},
): Promise<ParsedAlertRules> {
  let text: string;
  try {
    text = await withTimeout(
      (signal) => readBounded(path, MAX_RULES_FILE_BYTES, signal),
      options.timeoutMs ?? 5000,
      `reading ${path}`,
      options.signal,
    );
  } catch (cause) {
    throw PerfError.isInstance(cause)
      ? cause
      : new PerfError('READ_ERROR', `cannot read alert rules: ${reason(cause, path)}`, {
          file: path,
          cause,
        });
  }
  return parseAlertRules(text, {
    source: path,
    ...(options.kinds ? { kinds: options.kinds } : {}),
  });
}

/**
 * A regular file's text, refused when it is larger than `maxBytes`. Opened non-blocking, so a
 * FIFO in its place never blocks the open; anything but a regular file is refused.
 */
async function readBounded(path: string, maxBytes: number, signal: AbortSignal): Promise<string> {
  const { constants } = await import('node:fs');
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile())
      throw new PerfError('READ_ERROR', 'alert rules must be a regular file', { file: path });
    if (stat.size > maxBytes)
      throw new PerfError(
        'CONFIG_ERROR',
        `alert rules file is ${stat.size} bytes; at most ${maxBytes} are read`,
        { file: path },
      );
    return await handle.readFile({ encoding: 'utf8', signal });
  } finally {
    await handle.close();
  }
}

/** Checks one rule, reporting each problem; returns the rule when it is usable. */
function checkRule(
  raw: unknown,
  kinds: KindRegistry,
  problem: (key: string, message: string) => void,
): AlertRule | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem('rule', 'must be a map of keys (name, metric, warn, ...)');
    return null;
  }
  const r = raw as Record<string, unknown>;
  const before = { count: 0 };
  const report = (key: string, message: string) => {
    before.count += 1;
    problem(key, message);
  };
  for (const key of Object.keys(r))
    if (!KEYS.has(key)) report(key, `is not a rule key (known: ${[...KEYS].join(', ')})`);

  const name = r.name;
  if (typeof name !== 'string' || name.trim() === '') report('name', 'must be a non-empty string');

  let kind: AnyKind | undefined;
  let field = '';
  const forms = kinds.names().map((k) => `"${k}.<field>"`);
  const metric = typeof r.metric === 'string' ? /^(\w+)\.(\w+)$/.exec(r.metric) : null;
  if (!metric) {
    report('metric', `must be ${forms.join(', ')}, got ${show(r.metric)}`);
  } else {
    kind = kinds.get(metric[1]!);
    field = metric[2]!;
    if (!kind)
      report(
        'metric',
        `"${metric[1]}" is not a kind of series (known: ${kinds.names().join(', ')})`,
      );
    else {
      const known = kind.fields.map((f) => f.name);
      if (!known.includes(field))
        report('metric', `has no field "${field}" for ${kind.name} (known: ${known.join(', ')})`);
    }
  }

  let match: SeriesMatcher | undefined;
  if (r.match !== undefined && kind) {
    match = checkMatch(r.match, kind, report) ?? undefined;
  }

  const comparison = (r.comparison ?? '>') as AlertComparison;
  if (!COMPARISONS.includes(comparison))
    report('comparison', `must be one of ${COMPARISONS.join(' ')}, got ${show(r.comparison)}`);

  const threshold = (key: 'warn' | 'crit' | 'clear'): number | null => {
    const v = r[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      report(key, `must be a number, got ${show(v)}`);
      return null;
    }
    return v;
  };
  const warn = threshold('warn');
  const crit = threshold('crit');
  const clear = threshold('clear');
  if (r.warn == null && r.crit == null)
    report('warn', 'or "crit" must be given: a rule needs a threshold');
  const above = comparison === '>' || comparison === '>=';
  if (warn !== null && crit !== null && (above ? crit < warn : crit > warn)) {
    report(
      'crit',
      `(${crit}) must be ${above ? 'at or above' : 'at or below'} warn (${warn}) for "${comparison}"`,
    );
  }
  const raiseAt = warn ?? crit;
  if (clear !== null && raiseAt !== null && (above ? clear > raiseAt : clear < raiseAt)) {
    report(
      'clear',
      `(${clear}) must be ${above ? 'at or below' : 'at or above'} the raise threshold (${raiseAt}) for "${comparison}"`,
    );
  }

  let windowSeconds = 0;
  let windowAggregation: AlertWindowAggregation = 'avg';
  if (r.window !== undefined) {
    const w = r.window;
    const spec =
      typeof w === 'object' && w !== null && !Array.isArray(w)
        ? (w as Record<string, unknown>)
        : { duration: w };
    const seconds = parseDurationSeconds(spec.duration ?? spec.seconds);
    if (seconds === null)
      report(
        'window',
        `needs a duration like "60s" or "5m", got ${show(spec.duration ?? spec.seconds)}`,
      );
    else if (seconds > MAX_WINDOW_SECONDS)
      report(
        'window',
        `is at most ${MAX_WINDOW_SECONDS / 60} minutes, got ${show(spec.duration ?? spec.seconds)}`,
      );
    else windowSeconds = seconds;
    if (spec.aggregation !== undefined) {
      if (!AGGREGATIONS.includes(spec.aggregation as AlertWindowAggregation)) {
        report(
          'window',
          `aggregation must be one of ${AGGREGATIONS.join(', ')}, got ${show(spec.aggregation)}`,
        );
      } else windowAggregation = spec.aggregation as AlertWindowAggregation;
    }
  }
  let forSeconds = 0;
  if (r.for !== undefined) {
    const seconds = parseDurationSeconds(r.for);
    if (seconds === null)
      report('for', `must be a duration like "15m" or a number of seconds, got ${show(r.for)}`);
    else if (seconds > MAX_FOR_SECONDS)
      report('for', `is at most ${MAX_FOR_SECONDS / 86_400} days, got ${show(r.for)}`);
    else forSeconds = seconds;
  }
  if (r.description !== undefined && typeof r.description !== 'string')
    report('description', 'must be a string');
  if (before.count > 0) return null;
  return {
    name: (name as string).trim(),
    ...(typeof r.description === 'string' ? { description: r.description } : {}),
    target: kind!.name,
    field,
    ...(match ? { match } : {}),
    comparison,
    warn,
    crit,
    clear,
    windowSeconds,
    windowAggregation,
    forSeconds,
  };
}

function checkMatch(
  raw: unknown,
  kind: AnyKind,
  report: (key: string, message: string) => void,
): SeriesMatcher | null {
  const facts = Object.keys(kind.facts);
  const keys = [
    'id: string',
    'name: string',
    'labels: map of strings',
    ...facts.map((f) => `${f}: boolean`),
  ];
  if (kind.singleton) {
    report('match', `does not apply to ${kind.name} metrics: there is one ${kind.name} series`);
    return null;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    report('match', `must be a map (${keys.join(', ')})`);
    return null;
  }
  const out: SeriesMatcher = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if ((key === 'id' || key === 'name') && typeof value === 'string') out[key] = value;
    else if (facts.includes(key) && typeof value === 'boolean') {
      out.facts = { ...out.facts, [key]: value };
    } else if (
      key === 'labels' &&
      typeof value === 'object' &&
      value !== null &&
      Object.values(value).every((v) => typeof v === 'string')
    ) {
      out.labels = value as Record<string, string>;
    } else {
      report('match', `key "${key}" is not valid here (${keys.join(', ')})`);
      return null;
    }
  }
  return out;
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/** Why a file could not be read, without the path Node puts in the message (the error names it). */
function reason(cause: unknown, path: string): string {
  const e = cause as NodeJS.ErrnoException;
  const text = e.message.replace(`, open '${path}'`, '').replace(` '${path}'`, '');
  return text;
}
