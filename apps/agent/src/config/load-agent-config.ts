import { access } from 'node:fs/promises';
import type { AgentConfig } from './agent-config.js';
import { type AgentFlags, applyFlags } from './apply-flags.js';
import { defaultConfig, defaultConfigPaths } from './default-config.js';
import { loadConfigFile } from './load-config.js';

async function findConfig(explicit: string | undefined, env: NodeJS.ProcessEnv) {
  if (explicit !== undefined) return explicit;
  for (const path of defaultConfigPaths(env)) {
    if (
      await access(path).then(
        () => true,
        () => false,
      )
    )
      return path;
  }
  return null;
}

/** The config in force: the file (`--config`, else the first default path found) under the flags. */
export async function loadAgentConfig(
  flags: AgentFlags,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AgentConfig> {
  const file = await findConfig(flags.config, env);
  const tokenGiven =
    flags.token !== undefined ||
    flags['token-file'] !== undefined ||
    (env.ARCBOX_PERF_TOKEN !== undefined && env.ARCBOX_PERF_TOKEN !== '');
  const base = file === null ? defaultConfig(env) : await loadConfigFile(file, { env, tokenGiven });
  return applyFlags(base, flags, env);
}
