import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The fenced blocks of one kind under a `## ` heading of the README. */
function blocks(heading: string, lang: string): string[] {
  const section = readme.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`README.md has no "## ${heading}" section`);
  return [...section.matchAll(new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1]!,
  );
}

/**
 * The exit codes a command documents in its comment (`exit 0 ok, 1 warn, 2 crit`), else 0; a
 * code documented as a failure (`3 could not check`) is never a pass.
 */
function allowedCodes(line: string): number[] {
  const documented = /#.*exit (.*)$/.exec(line);
  if (!documented) return [0];
  return [...documented[1]!.matchAll(/(\d+) ([a-z ]+?)(?:,|$)/g)]
    .filter((m) => !/could not|fail|error/.test(m[2]!))
    .map((m) => Number(m[1]));
}

describe("the README's examples, run as written (built repository)", () => {
  const cli = blocks('The CLI', 'sh')[0]!
    .split('\n')
    .filter((l) => l.trim() !== '');

  it('has CLI examples to run', () => {
    expect(cli.length).toBeGreaterThanOrEqual(5);
  });

  it.each(cli)('%s', (line) => {
    const result = spawnSync('bash', ['-c', line], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(allowedCodes(line), `${line}\n${result.stderr}`).toContain(result.status);
    expect(result.stdout.length + result.stderr.length).toBeGreaterThan(0);
  });

  it('the library example runs and samples', async () => {
    const [example] = blocks('As a library', 'ts');
    // Beside this test, so `@arcbox/perf` resolves from this workspace; Vitest compiles it.
    const file = join(import.meta.dirname, 'readme-library-example.tmp.ts');
    writeFileSync(file, example!);
    const logged: unknown[][] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      logged.push(args);
    };
    try {
      await import(file);
    } finally {
      console.log = original;
      rmSync(file, { force: true });
    }
    const [host] = logged;
    expect(typeof host?.[0]).toBe('number'); // cpuPercent of the second reading
    expect(host?.[1]).toBeGreaterThan(0); // memoryUsed
    // The sampling loop's line: a sample's CPU and its filesystems.
    expect(Array.isArray(logged.at(-1)?.[1])).toBe(true);
  }, 60_000);
});

/**
 * Lines of apps/cli/README.md that need what a test here cannot give them, and the test that
 * runs the same command instead.
 */
const RUN_ELSEWHERE: Record<string, string> = {
  'npm install -g arcbox-perf':
    'tests/packaging/installed-apps.test.ts (npm install -g from the packed tarballs)',
  'arcbox-perf top': 'apps/cli/src/commands/top-command.test.ts (in tmux: a terminal is needed)',
  'arcbox-perf history --from -1h --step 1m':
    'apps/cli/src/commands/history-command.test.ts (against a running agent)',
  'arcbox-perf history --db /var/lib/arcbox-perf/history.sqlite --csv':
    "apps/cli/src/commands/history-command.test.ts (on an agent's history file)",
};

describe("apps/cli/README.md's commands, run as written (built CLI)", () => {
  const text = readFileSync(join(repoRoot, 'apps', 'cli', 'README.md'), 'utf8');
  const lines = (/```sh\n([\s\S]*?)```/.exec(text)?.[1] ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const command = (line: string) => line.replace(/\s+#.*$/, '').trim();
  const cwd = mkdtempSync(join(tmpdir(), 'arcbox-cli-readme-'));
  // `--rules rules.yaml` and `./rec` are relative: the example rules file the agent ships.
  copyFileSync(join(repoRoot, 'apps', 'agent', 'examples', 'rules.yaml'), join(cwd, 'rules.yaml'));
  const cliMain = join(repoRoot, 'apps', 'cli', 'dist', 'main.js');
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it('every line is either run here or named with the test that runs it', () => {
    expect(lines.length).toBeGreaterThanOrEqual(10);
    for (const key of Object.keys(RUN_ELSEWHERE)) expect(lines.map(command)).toContain(key);
  });

  it.each(lines.filter((l) => !(command(l) in RUN_ELSEWHERE)))('%s', (line) => {
    const run = command(line).replaceAll('arcbox-perf ', `node ${cliMain} `);
    const result = spawnSync('bash', ['-o', 'pipefail', '-c', run], {
      cwd,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(allowedCodes(line), `${run}\n${result.stderr}`).toContain(result.status);
    expect(result.stdout.length + result.stderr.length).toBeGreaterThan(0);
  });
});
