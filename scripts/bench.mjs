#!/usr/bin/env node
// Runs every benchmark script (packages/*/bench/*.mjs, apps/*/bench/*.mjs) one after another, so
// each prints its table on a quiet machine. `pnpm bench -- linux` runs those whose path has "linux".
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filter = process.argv.slice(2).filter((a) => a !== '--');
const scripts = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name, 'bench');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.mjs')) scripts.push(join(group, name, 'bench', file));
    }
  }
}
const chosen = scripts.filter((s) => filter.length === 0 || filter.some((f) => s.includes(f)));
let failed = 0;
for (const script of chosen) {
  console.log(`\n## ${script}\n`);
  try {
    execFileSync(process.execPath, [join(root, script)], { stdio: 'inherit', cwd: root });
  } catch {
    failed += 1;
    console.error(`benchmark ${script} failed`);
  }
}
if (chosen.length === 0) console.log('no benchmark scripts found');
process.exitCode = failed > 0 ? 1 : 0;
