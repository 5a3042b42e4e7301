import {
  accessSync,
  chmodSync,
  constants,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixturesDir } from './test-support.js';

/**
 * A folder of executables named like the macOS commands, printing real captured outputs (tests
 * only). Each one logs its command line, then `exec`s, so one call is exactly one process.
 */
export interface StubCommands {
  bin: string;
  /** Absolute paths of the tools stub bodies may exec. */
  tools: { cat: string; grep: string; sleep: string };
  /** Command lines run so far, one per process. */
  calls(): string[];
  /** Replaces (or adds) a command with a shell script body. */
  set(name: string, body: string): void;
  remove(name: string): void;
  dispose(): void;
}

export function createStubCommands(): StubCommands {
  const bin = mkdtempSync(join(tmpdir(), 'arcbox-darwin-stubs-'));
  const log = join(bin, 'calls.log');
  writeFileSync(log, '');
  const f = (p: string) => JSON.stringify(join(fixturesDir, p));
  // Absolute tool paths: the collector runs with PATH set to the stub folder only, so a real
  // Linux netstat or iostat can never answer in a stub's place.
  const [cat, grep, sleep] = ['cat', 'grep', 'sleep'].map(which);
  const set = (name: string, body: string) => {
    const file = join(bin, name);
    writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> ${JSON.stringify(log)}\n${body}\n`);
    chmodSync(file, 0o755);
  };
  set('vm_stat', `exec ${cat} ${f('macos/ansible/vm_stat_darwin_silicon_m1pro.txt')}`);
  // Prints the asked names that the real M1 Pro dump holds, as `sysctl name...` does.
  set(
    'sysctl',
    `pattern=\nfor n in "$@"; do pattern="$pattern|$n"; done\nexec ${grep} -E "^(\${pattern#|}): " ${f('macos/ansible/sysctl_a_darwin_silicon_m1pro_macos14.4.1.txt')}`,
  );
  set('ioreg', `exec ${cat} ${f('constructed/ioreg_block_storage.txt')}`);
  set('iostat', `exec ${cat} ${f('constructed/iostat_I_d.txt')}`);
  set('netstat', `exec ${cat} ${f('macos/gopsutil/netstat_ib_not_truncated.txt')}`);
  return {
    bin,
    tools: { cat: cat!, grep: grep!, sleep: sleep! },
    calls: () =>
      readFileSync(log, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    set,
    remove: (name) => rmSync(join(bin, name), { force: true }),
    dispose: () => rmSync(bin, { recursive: true, force: true }),
  };
}

/** Absolute path of a tool on this machine's PATH. */
export function which(tool: string): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const file = join(dir, tool);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  throw new Error(`${tool} not found on PATH`);
}
