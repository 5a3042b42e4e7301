import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadAlertRules } from '@arcbox/perf-history';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentMain, freePort, removeDir, tempDir } from './testing/spawn-agent.js';

const run = promisify(execFile);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(appDir, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
  lang: m[1]!,
  text: m[2]!,
}));
const yamlBlocks = blocks.filter((b) => b.lang === 'yaml').map((b) => b.text);
const commandLines = blocks
  .filter((b) => b.lang === 'sh')
  .flatMap((b) => b.text.split('\n'))
  .map((line) => line.replace(/(^|\s+)#.*$/, '').trim())
  .filter((line) => line !== '');
const repoRoot = join(appDir, '..', '..');
/** A benchmark runs for minutes on a quiet machine, so CI checks what the README says of it. */
const benchCommand = /^((?:[A-Z_]+=\S+ )*)node (apps\/agent\/bench\/[\w-]+\.mjs)$/;
/** `sudo` is for the service install; the command is the same without it. */
const agentCommands = commandLines
  .map((line) => line.replace(/^sudo /, ''))
  .filter((line) => line.startsWith('arcbox-perf-agent'));

/**
 * Installing the package and handing it to a service manager: `npm install -g` is what
 * tests/packaging runs from a local registry; systemctl and launchctl cannot run here. Listed
 * one by one, so a new command in the README fails this test until it is run or listed.
 */
const installSteps = [
  'npm install -g arcbox-perf-agent',
  'sudo npm install -g arcbox-perf-agent',
  'sudo mkdir -p /etc/arcbox-perf',
  'sudo cp "$(npm root -g)/arcbox-perf-agent/examples/agent.yaml" /etc/arcbox-perf/',
  'sudo cp "$(npm root -g)/arcbox-perf-agent/packaging/arcbox-perf-agent.service" /etc/systemd/system/',
  'sudo systemctl daemon-reload && sudo systemctl enable --now arcbox-perf-agent',
  'sudo systemctl reload arcbox-perf-agent',
  'cp "$(npm root -g)/arcbox-perf-agent/packaging/com.arcbox.perf-agent.plist" ~/Library/LaunchAgents/',
  'launchctl load ~/Library/LaunchAgents/com.arcbox.perf-agent.plist',
];

let dir = '';
beforeAll(async () => {
  dir = await tempDir('arcbox-readme-');
  // `agent.yaml` in the commands is the README's config example.
  await writeFile(join(dir, 'agent.yaml'), yamlBlocks[0] ?? '');
});
afterAll(() => removeDir(dir));

async function checkConfig(file: string) {
  return run(process.execPath, [agentMain, '--config', file, '--check-config'], { cwd: dir }).catch(
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

describe('apps/agent/README.md, every example run (built agent)', () => {
  it('has the examples this test runs', () => {
    expect(yamlBlocks.length).toBeGreaterThan(0);
    expect(agentCommands.length).toBeGreaterThanOrEqual(4);
  });

  it('every config example passes --check-config', async () => {
    for (const [i, text] of yamlBlocks.entries()) {
      const file = join(dir, `readme-${i}.yaml`);
      await writeFile(file, text);
      const result = await checkConfig(file);
      expect(`${result.stdout}${result.stderr}`, `yaml block ${i + 1}`).toBe(`${file}: ok\n`);
    }
  });

  it('every shipped example passes --check-config, and the rules file loads as rules', async () => {
    const examples = readdirSync(join(appDir, 'examples')).filter((f) => f.endsWith('.yaml'));
    expect(examples.sort()).toEqual(['agent.yaml', 'rules.yaml']);
    for (const name of examples) {
      const file = join(appDir, 'examples', name);
      const result = await checkConfig(file);
      expect(`${result.stdout}${result.stderr}`, name).toBe(`${file}: ok\n`);
    }
    // The same file is what `arcbox-perf alerts check --rules` reads.
    const parsed = await loadAlertRules(join(appDir, 'examples', 'rules.yaml'));
    expect(parsed.errors).toEqual([]);
    expect(new Set(parsed.rules.map((r) => r.target))).toEqual(
      new Set(['system', 'container', 'vm', 'filesystem']),
    );
  });

  it('every arcbox-perf-agent command runs as written', async () => {
    for (const command of agentCommands) {
      const args = command.split(/\s+/).slice(1);
      // The service's config is the shipped example the README copies there.
      const service = join(appDir, 'examples', 'agent.yaml');
      const fixed = args.map((a) => (a === '/etc/arcbox-perf/agent.yaml' ? service : a));
      if (fixed.includes('--help')) {
        const { stdout } = await run(process.execPath, [agentMain, ...fixed], { cwd: dir });
        expect(stdout, command).toMatch(/^Usage: arcbox-perf-agent \[options\]/);
      } else if (fixed.includes('--check-config')) {
        const file = fixed[fixed.indexOf('--config') + 1]!;
        const result = await checkConfig(file);
        expect(`${result.stdout}${result.stderr}`, command).toBe(`${file}: ok\n`);
      } else {
        // The daemon itself, on a free port (9464 may be taken on this machine) and with its
        // state and config lookup inside the test's directory.
        const port = await freePort();
        const child = spawn(
          process.execPath,
          [agentMain, ...fixed, '--listen', `127.0.0.1:${port}`],
          {
            cwd: dir,
            env: {
              ...process.env,
              XDG_STATE_HOME: join(dir, 'state'),
              XDG_CONFIG_HOME: join(dir, 'none'),
            },
            stdio: ['ignore', 'ignore', 'pipe'],
          },
        );
        let ok = false;
        for (let i = 0; i < 100 && !ok; i++) {
          await new Promise((r) => setTimeout(r, 100));
          ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
            (r) => r.ok,
            () => false,
          );
        }
        child.kill('SIGTERM');
        const [code] = await once(child, 'exit');
        expect(ok, command).toBe(true);
        expect(code, command).toBe(0);
      }
    }
  });

  it('every bench command names a script that parses and reads the variables it is given', async () => {
    let checked = 0;
    for (const block of blocks.filter((b) => b.lang === 'sh')) {
      let source = '';
      for (const raw of block.text.split('\n')) {
        const line = raw.replace(/\s+#.*$/, '').trim();
        const bench = benchCommand.exec(line);
        if (bench) {
          const file = join(repoRoot, bench[2]!);
          await run(process.execPath, ['--check', file]);
          source = readFileSync(file, 'utf8');
          for (const name of bench[1]!.match(/[A-Z_]+(?==)/g) ?? []) {
            expect(source, `${line}: ${name}`).toContain(`process.env.${name}`);
          }
          checked++;
        } else if (line.startsWith('#') && source !== '') {
          // A comment under a bench command: its `NAME (default)` is the script's default.
          for (const [, name, value] of line.matchAll(/([A-Z][A-Z_]+) \((\w+)\)/g)) {
            expect(source, `${line}: ${name}`).toMatch(
              new RegExp(`process\\.env\\.${name} \\?\\? ${value}\\b`),
            );
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('lists every other command as an install step', () => {
    const others = commandLines.filter(
      (l) => !l.replace(/^sudo /, '').startsWith('arcbox-perf-agent') && !benchCommand.test(l),
    );
    expect([...new Set(others)].sort()).toEqual([...installSteps].sort());
  });
});
