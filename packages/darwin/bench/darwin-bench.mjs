#!/usr/bin/env node
// Benchmark of @arcbox/perf-darwin (run `pnpm --filter @arcbox/perf-darwin build` first, or
// `pnpm bench -- darwin` from the root). Prints medians:
//  1. CPU cost of parsing one reading's outputs (vm_stat, sysctl, ioreg, netstat, os.cpus) with
//     every parser, on the replayed outputs of __fixtures__/recordings/apple-silicon-2. Target < 1 ms.
//  2. Processes per reading, counted through the runner, and what spawning them costs on this
//     machine: our 4 concurrent vs the Rust original's 5 sequential (stand-in executables that
//     print the same recorded outputs, since no Mac is here).
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  createDarwinSystemCollector,
  createExecFileRunner,
  darwinCpu,
  darwinInterfaces,
  darwinMemory,
  disksFromIoreg,
  parseIoregBlockStorage,
  parseNetstatInterfaces,
  parseSysctl,
  parseVmStat,
  readDarwinSysctl,
} from '../dist/index.js';

const here = new URL('..', import.meta.url).pathname;
const reading = join(here, '__fixtures__/recordings/apple-silicon-2/readings/0001');
const out = (name) => readFileSync(join(reading, 'commands', `${name}.txt`), 'utf8');
const outputs = {
  vmStat: out('vm_stat'),
  sysctl: out('sysctl'),
  ioreg: out('ioreg'),
  netstat: out('netstat'),
};
const cpus = JSON.parse(readFileSync(join(reading, 'os/cpus.json'), 'utf8'));

function parseAll() {
  const sysctl = readDarwinSysctl(parseSysctl(outputs.sysctl));
  return [
    darwinMemory(parseVmStat(outputs.vmStat), sysctl),
    disksFromIoreg(parseIoregBlockStorage(outputs.ioreg)),
    darwinInterfaces(parseNetstatInterfaces(outputs.netstat)),
    darwinCpu(cpus),
  ];
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const cpuUs = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

// 1. Parse cost.
for (let i = 0; i < 2000; i++) parseAll();
const perReadingCpu = [];
const perReadingWall = [];
for (let batch = 0; batch < 30; batch++) {
  const n = 500;
  const c0 = cpuUs();
  const w0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) parseAll();
  perReadingWall.push(Number(process.hrtime.bigint() - w0) / 1000 / n);
  perReadingCpu.push((cpuUs() - c0) / n);
}
const parseCpu = median(perReadingCpu);
console.log('Parse cost per reading (all parsers, replayed outputs, median of 30 batches x 500)');
console.log('| what | CPU us | wall us | target | ratio to target |');
console.log('|---|---|---|---|---|');
console.log(
  `| vm_stat+sysctl+ioreg+netstat+os.cpus | ${parseCpu.toFixed(1)} | ${median(perReadingWall).toFixed(1)} | 1000 | ${(parseCpu / 1000).toFixed(3)} |`,
);

// 2. Processes per reading.
const cat = (process.env.PATH ?? '/usr/bin:/bin')
  .split(':')
  .map((dir) => join(dir, 'cat'))
  .find((file) => existsSync(file));
const bin = mkdtempSync(join(tmpdir(), 'arcbox-darwin-bench-'));
try {
  for (const [name, file] of [
    ['vm_stat', join(reading, 'commands/vm_stat.txt')],
    ['sysctl', join(reading, 'commands/sysctl.txt')],
    ['ioreg', join(reading, 'commands/ioreg.txt')],
    ['netstat', join(reading, 'commands/netstat.txt')],
    ['top', join(reading, 'commands/vm_stat.txt')],
  ]) {
    writeFileSync(join(bin, name), `#!/bin/sh\nexec ${cat} ${JSON.stringify(file)}\n`);
    chmodSync(join(bin, name), 0o755);
  }
  let spawned = 0;
  const real = createExecFileRunner({ env: { PATH: bin } });
  const counting = {
    run(command, args, options) {
      spawned += 1;
      return real.run(command, args, options);
    },
  };
  const collector = createDarwinSystemCollector({ run: counting });
  const signal = new AbortController().signal;
  await collector.collect({ signal });
  spawned = 0;
  const ours = [];
  const oursCpu = [];
  const rounds = 20;
  for (let i = 0; i < rounds; i++) {
    const c0 = cpuUs();
    const t0 = performance.now();
    const r = await collector.collect({ signal });
    ours.push(performance.now() - t0);
    oursCpu.push((cpuUs() - c0) / 1000);
    if (r.problems.some((p) => p.code)) throw new Error(JSON.stringify(r.problems));
  }
  const perReading = spawned / rounds;
  // The Rust original: 5 processes one after another (top -l 1, vm_stat, sysctl, iostat, netstat).
  const run = promisify(execFile);
  const sequential = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    for (const name of ['top', 'vm_stat', 'sysctl', 'ioreg', 'netstat']) await run(join(bin, name));
    sequential.push(performance.now() - t0);
  }
  console.log('\nProcesses per live reading (stand-in executables printing the recorded outputs)');
  console.log('| collector | processes | how | wall ms (here) | parent CPU ms | ratio of wall |');
  console.log('|---|---|---|---|---|---|');
  console.log(
    `| @arcbox/perf-darwin | ${perReading} (counted) | concurrent | ${median(ours).toFixed(1)} | ${median(oursCpu).toFixed(1)} | 1.00 |`,
  );
  console.log(
    `| Rust original (pattern) | 5 | sequential | ${median(sequential).toFixed(1)} | - | ${(median(sequential) / median(ours)).toFixed(2)} |`,
  );
  console.log(
    '| Rust original on a Mac (issue 5) | 5 | sequential, top -l 1 | > 1000 (documented, not measured here) | - | - |',
  );
  console.log(
    '| systeminformation on a Mac | dozens (documented, not measured here) | mostly sequential | - | - | - |',
  );
  console.log(
    '\nOn a Mac, `top -l 1` alone takes about a second (it samples); ours runs no top at all: CPU',
  );
  console.log('comes from os.cpus() without a process.');
} finally {
  rmSync(bin, { recursive: true, force: true });
}
