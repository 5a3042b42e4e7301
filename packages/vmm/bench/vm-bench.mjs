#!/usr/bin/env node
// One VM reading (QMP round trips + /proc and tap reads) against the raw cost of the same QMP
// commands on the same socket, on a real QEMU VM booted for the run (test-support/test-vm.mjs).
// Run: pnpm --filter @arcbox/perf-vmm build && node packages/vmm/bench/vm-bench.mjs
// Target (issue 4): a reading within 1.5x of the raw pipelined commands.
import { createConnection } from 'node:net';
import {
  createFileReader,
  createProcThreadReader,
  createTapCounterReader,
} from '@arcbox/perf-linux';
import { createQemuVmCollector } from '../dist/index.js';
import { startTestVm, testVmUnavailableReason } from '../test-support/test-vm.mjs';

const ROUNDS = Number(process.env.VM_BENCH_ROUNDS ?? 400);
// QEMU serves one QMP client at a time, so the two sides take the socket in turn; many short
// blocks keep the guest's own activity and the machine's load from favouring one side.
const BLOCKS = 10;
const why = testVmUnavailableReason();
if (why) {
  console.log(`vm-bench skipped: ${why}`);
  process.exit(0);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

/** A bare QMP connection: write request lines, count reply lines; no parsing beyond that. */
async function rawQmp(path) {
  const socket = createConnection({ path });
  socket.setEncoding('utf8');
  let buffer = '';
  let waiter = null;
  const lines = [];
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.includes('"event"')) continue;
      lines.push(line);
      if (waiter && lines.length >= waiter.n) {
        const w = waiter;
        waiter = null;
        w.resolve(lines.splice(0, w.n));
      }
    }
  });
  const replies = (n) =>
    lines.length >= n
      ? Promise.resolve(lines.splice(0, n))
      : new Promise((resolve) => (waiter = { n, resolve }));
  await replies(1); // greeting
  socket.write('{"execute":"qmp_capabilities"}\n');
  await replies(1);
  return {
    send: (requests) => {
      socket.write(requests.map((r) => `${JSON.stringify(r)}\n`).join(''));
      return replies(requests.length);
    },
    close: () => socket.destroy(),
  };
}

const commands = [
  { execute: 'query-cpus-fast' },
  { execute: 'query-blockstats' },
  {
    execute: 'qom-get',
    arguments: { path: '/machine/peripheral/balloon0', property: 'guest-stats' },
  },
];

const vm = await startTestVm({ id: 'bench1' });
const reader = createFileReader({ root: '/' });
try {
  await vm.waitForConsole(/ARCBOX: round=1 /, 240_000);
  const signal = new AbortController().signal;
  const times = { reading: [], rawPipelined: [], rawNoIds: [], rawSequential: [], hostOnly: [] };
  const threads = createProcThreadReader({ reader });
  const interfaces = createTapCounterReader({ reader });

  for (let block = 0; block < BLOCKS; block++) {
    const collector = createQemuVmCollector({
      vms: [{ id: vm.id, qmpSocket: vm.qmpSocket }],
      threads,
      interfaces,
      timeoutMs: 10_000,
    });
    const [first] = await collector.collect({ signal }); // connect, learn, turn balloon polling on
    if (first.problems.length > 0) throw new Error(JSON.stringify(first.problems));
    for (let i = 0; i < 10; i++) await collector.collect({ signal });
    for (let i = 0; i < ROUNDS / BLOCKS; i++) {
      const t0 = performance.now();
      await collector.collect({ signal });
      times.reading.push(performance.now() - t0);
    }
    collector.close();
    const pid = first.pid;
    const tids = first.vcpus.map((v) => v.threadId);
    for (let i = 0; i < ROUNDS / BLOCKS; i++) {
      const t0 = performance.now();
      for (const tid of tids) threads.threadCpuSeconds(pid, tid);
      threads.processCpuSeconds(pid);
      for (const n of first.netDevices) if (n.backend) interfaces.interfaceCounters(n.backend, pid);
      times.hostOnly.push(performance.now() - t0);
    }

    await new Promise((r) => setTimeout(r, 200)); // let QEMU notice the previous client left
    const raw = await rawQmp(vm.qmpSocket);
    for (let i = 0; i < 10; i++) await raw.send(commands);
    for (let i = 0; i < ROUNDS / BLOCKS; i++) {
      let t0 = performance.now();
      await raw.send(commands.map((c, id) => ({ ...c, id })));
      times.rawPipelined.push(performance.now() - t0);
      t0 = performance.now();
      await raw.send(commands);
      times.rawNoIds.push(performance.now() - t0);
      t0 = performance.now();
      for (const c of commands) await raw.send([c]);
      times.rawSequential.push(performance.now() - t0);
    }
    raw.close();
    await new Promise((r) => setTimeout(r, 200));
  }

  const base = median(times.rawPipelined);
  const rows = [
    ['one VM reading (collector: 3 QMP commands + /proc + tap)', times.reading],
    ['raw: same 3 QMP commands (with ids) pipelined, same socket', times.rawPipelined],
    ['raw: the 3 commands without ids, pipelined', times.rawNoIds],
    ['raw: same 3 QMP commands one after another', times.rawSequential],
    ['host side only (/proc task stats + tap counters)', times.hostOnly],
  ];
  console.log(
    `QEMU ${vm.id} under TCG, ${ROUNDS} samples each, interleaved in ${BLOCKS} blocks (ms)\n`,
  );
  console.log('| what | median ms | p90 ms | ratio to raw pipelined |');
  console.log('|---|---:|---:|---:|');
  for (const [name, xs] of rows) {
    console.log(
      `| ${name} | ${median(xs).toFixed(3)} | ${p90(xs).toFixed(3)} | ${(median(xs) / base).toFixed(2)}x |`,
    );
  }
  const ratio = median(times.reading) / base;
  console.log(
    `\nreading / raw pipelined = ${ratio.toFixed(2)}x (target <= 1.5x): ${ratio <= 1.5 ? 'met' : 'NOT met'}`,
  );
} finally {
  reader.close();
  await vm.stop();
}
