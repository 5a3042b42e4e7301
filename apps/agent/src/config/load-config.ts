import { dirname, resolve } from 'node:path';
import { configError, parseConfigDocument, readConfigFile } from '@arcbox/perf';
import { parseAlertRules } from '@arcbox/perf-history';
import type { AgentConfig } from './agent-config.js';
import { defaultConfig } from './default-config.js';
import { readTokenFile } from './read-token-file.js';
import { validateConfig } from './validate-config.js';

/**
 * Builds the config from a YAML or JSON text. Every problem is collected; the CONFIG_ERROR
 * names the first one's file, line and key, and its message lists them all, one
 * `file:line: key: problem` per line. A token file is named, not read (see `loadConfigFile`).
 */
export function parseConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { tokenGiven?: boolean } = {},
): AgentConfig {
  const doc = parseConfigDocument(text, file);
  const { config, issues } = validateConfig(doc.value, defaultConfig(env), options);
  const rules = (doc.value as { rules?: unknown } | null)?.rules;
  if (Array.isArray(rules)) {
    // perf-history reads a map with a `rules` list and checks each rule on its own.
    const parsed = parseAlertRules(text, { source: file });
    for (const error of parsed.errors) {
      const path = (error.field ?? 'rules')
        .split(/[.[\]]/)
        .filter((p) => p !== '')
        .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
      issues.push({
        path,
        // The key path and the line are said by the line's prefix already.
        message: error.message.replace(/ \([^)]*\)$/, ''),
        ...(error.line === undefined ? {} : { line: error.line }),
      });
    }
    config.rules = parsed.rules;
  }
  if (issues.length > 0) throw configError(file, issues, doc.lineOf);
  if (config.authTokenFile !== null)
    config.authTokenFile = resolve(dirname(file), config.authTokenFile);
  return { ...config, file };
}

/** Reads, parses and checks a config file, and the token file it names. */
export async function loadConfigFile(
  file: string,
  options: { signal?: AbortSignal; env?: NodeJS.ProcessEnv; tokenGiven?: boolean } = {},
): Promise<AgentConfig> {
  const text = await readConfigFile(file, options.signal ? { signal: options.signal } : {});
  const config = parseConfig(text, file, options.env, { tokenGiven: options.tokenGiven === true });
  if (config.authTokenFile !== null)
    config.authToken = await readTokenFile(config.authTokenFile, {
      ...(options.signal ? { signal: options.signal } : {}),
      where: `${file}: authTokenFile`,
    });
  return config;
}
