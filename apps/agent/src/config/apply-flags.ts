import { parseDuration, PerfError } from '@arcbox/perf-core';
import type { AgentConfig } from './agent-config.js';
import { tokenProblem } from './check-token.js';
import { isLoopbackHost, parseListenAddress } from './listen-address.js';
import { readTokenFile } from './read-token-file.js';
import { DURATION_LIMITS } from './validate-config.js';

/** The command-line options that override the config file. */
export interface AgentFlags {
  config?: string;
  listen?: string;
  token?: string;
  'token-file'?: string;
  root?: string;
  interval?: string;
  'state-dir'?: string;
}

const flagError = (flag: string, message: string, field: string) =>
  new PerfError('CONFIG_ERROR', `${flag}: ${message}`, { field });

/**
 * Command-line flags (and ARCBOX_PERF_TOKEN) over the file, checked as strictly as the file is.
 * The token comes from the first of --token, --token-file, ARCBOX_PERF_TOKEN, then the file.
 */
export async function applyFlags(
  config: AgentConfig,
  flags: AgentFlags,
  env: NodeJS.ProcessEnv = process.env,
  options: { signal?: AbortSignal } = {},
): Promise<AgentConfig> {
  const next = structuredClone(config);
  if (flags.listen !== undefined) {
    const address = parseListenAddress(flags.listen);
    if (!address) throw flagError('--listen', `"${flags.listen}" is not HOST:PORT`, 'listen');
    next.listen = address;
  }
  if (flags.token !== undefined) {
    const problem = tokenProblem(flags.token);
    if (problem) throw flagError('--token', `the token ${problem}`, 'authToken');
    next.authToken = flags.token;
    next.authTokenFile = null;
  } else if (flags['token-file'] !== undefined) {
    next.authToken = await readTokenFile(flags['token-file'], {
      ...(options.signal ? { signal: options.signal } : {}),
      where: '--token-file',
    });
    next.authTokenFile = flags['token-file'];
  } else if (env.ARCBOX_PERF_TOKEN !== undefined && env.ARCBOX_PERF_TOKEN !== '') {
    const problem = tokenProblem(env.ARCBOX_PERF_TOKEN);
    if (problem) throw flagError('ARCBOX_PERF_TOKEN', `the token ${problem}`, 'authToken');
    next.authToken = env.ARCBOX_PERF_TOKEN;
    next.authTokenFile = null;
  }
  if (flags.root !== undefined) next.sources.root = flags.root;
  if (flags['state-dir'] !== undefined) next.stateDir = flags['state-dir'];
  if (flags.interval !== undefined) {
    const ms = parseDuration(flags.interval);
    const { min, max } = DURATION_LIMITS.interval;
    if (ms === null || ms < min || ms > max)
      throw flagError(
        '--interval',
        `"${flags.interval}" is not a duration from ${min}ms to 1h`,
        'interval',
      );
    next.intervalMs = ms;
  }
  if (!isLoopbackHost(next.listen.host) && next.authToken === null) {
    throw new PerfError(
      'CONFIG_ERROR',
      `listening on ${next.listen.host} needs a bearer token (--token-file, --token, ARCBOX_PERF_TOKEN, or authTokenFile or authToken in the config)`,
      { field: 'authToken' },
    );
  }
  return next;
}
