import { createConfigChecker } from './config-checker.js';
import { configError } from './config-document.js';
import { defaultSourcesConfig, type SourcesConfig } from './sources-config.js';
import { validateSources } from './validate-sources.js';

/**
 * A validated `SourcesConfig` from a `sources` mapping (as in the agent's file) and a root,
 * starting from the defaults. Every problem is in one CONFIG_ERROR, one `where: key: problem`
 * line each.
 */
export function resolveSources(
  input: { root?: unknown; sources?: unknown } = {},
  where = 'sources',
): SourcesConfig {
  const config = defaultSourcesConfig();
  const checker = createConfigChecker();
  if (input.root !== undefined) {
    const root = checker.str(input.root, ['root']);
    if (root !== undefined) config.root = root;
  }
  if (input.sources !== undefined) validateSources(input.sources, config, checker);
  if (checker.issues.length > 0) throw configError(where, checker.issues);
  return config;
}
