import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SourcesConfig } from '@arcbox/perf';
import { errnoText } from './errno-text.js';

/**
 * What the CLI takes from the agent's config file (YAML or JSON), so one file sets up both: the
 * sampling interval, the sources (`root` and `sources:`, checked by @arcbox/perf's own
 * `validateSources`, so the CLI and the agent accept exactly the same sources), where the agent
 * listens (for `history`) and its token. Keys only the agent uses are left to the agent
 * (`arcbox-perf-agent --check-config`). A command-line flag always wins over the file.
 */
export interface CliConfig {
  /** Where the file came from; null when none was found. */
  path: string | null;
  intervalMs?: number;
  /** `http://<listen>` of the agent. */
  agentUrl?: string;
  authToken?: string;
  /** The file's `root` and `sources:` on @arcbox/perf's defaults; absent without a file. */
  sources?: SourcesConfig;
}

/** The agent's own bounds on `interval`, so a file one accepts the other accepts too. */
const INTERVAL_MS = { min: 100, max: 3_600_000 };

/** The agent's own lookup order: $XDG_CONFIG_HOME/arcbox-perf/agent.{yaml,yml,json}, then /etc. */
export function defaultConfigPaths(env: NodeJS.ProcessEnv): string[] {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  const names = ['agent.yaml', 'agent.yml', 'agent.json'];
  return [
    ...names.map((n) => join(base, 'arcbox-perf', n)),
    ...names.map((n) => join('/etc/arcbox-perf', n)),
  ];
}

export async function loadCliConfig(
  explicit: string | undefined,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<CliConfig> {
  const named = explicit ?? (env.ARCBOX_PERF_CONFIG || undefined);
  const candidates = named ? [named] : defaultConfigPaths(env);
  for (const file of candidates) {
    // @arcbox/perf (and its YAML parser) loads only when there is a file to read: most runs
    // have none, and `history` never needs the collectors' package otherwise.
    const perf = await import('@arcbox/perf');
    let text: string;
    try {
      text = await perf.readConfigFile(file, signal ? { signal } : {});
    } catch (error) {
      const cause = (error as Error).cause;
      // A missing default file is normal; a missing file the user named is an error.
      if ((cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' && !named) continue;
      // perf's message quotes Node's, which names the file a second time.
      if ((cause as NodeJS.ErrnoException | undefined)?.code !== undefined)
        (error as Error).message = `${file}: cannot read the config file: ${errnoText(cause)}`;
      throw error;
    }
    return parseCliConfig(perf.parseConfigDocument(text, file), perf);
  }
  return { path: null };
}

type Perf = typeof import('@arcbox/perf');

/**
 * The CLI's keys of a parsed config document, checked with @arcbox/perf's config checker; every
 * problem in one CONFIG_ERROR of `file:line: key: problem` lines, as the agent reports them.
 */
export function parseCliConfig(
  doc: ReturnType<Perf['parseConfigDocument']>,
  perf: Perf,
): CliConfig {
  const config: CliConfig = { path: doc.file };
  const raw = doc.value ?? {};
  const checker = perf.createConfigChecker();
  const top = checker.section(raw, []);
  if (top) {
    if ('interval' in top) {
      const ms = checker.duration(top.interval, ['interval'], INTERVAL_MS.min, INTERVAL_MS.max);
      if (ms !== undefined) config.intervalMs = ms;
    }
    if ('listen' in top) {
      const listen = checker.str(top.listen, ['listen']);
      if (listen !== undefined) {
        const url = agentUrlOf(listen);
        if (url === null) checker.fail(['listen'], `"${listen}" is not HOST:PORT`);
        else config.agentUrl = url;
      }
    }
    if ('authToken' in top) {
      const token = checker.str(top.authToken, ['authToken']);
      if (token !== undefined) config.authToken = token;
    }
    const sources = perf.defaultSourcesConfig();
    if ('root' in top) {
      const root = checker.str(top.root, ['root']);
      if (root !== undefined) sources.root = root;
    }
    if ('sources' in top) perf.validateSources(top.sources, sources, checker);
    config.sources = sources;
  }
  if (checker.issues.length > 0) throw perf.configError(doc.file, checker.issues, doc.lineOf);
  return config;
}

/** The agent's `listen` as a URL to reach it: all interfaces (0.0.0.0, "") by loopback. */
function agentUrlOf(listen: string): string | null {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(listen.trim());
  if (!m || Number(m[3]) > 65_535) return null;
  const host = m[1] ? `[${m[1]}]` : !m[2] || m[2] === '0.0.0.0' ? '127.0.0.1' : m[2];
  return `http://${host}:${m[3]}`;
}
