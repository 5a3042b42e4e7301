#!/usr/bin/env node
// Are all VMs read concurrently? One collection over N VMs against one over a single VM. The VMs
// are CONSTRUCTED QMP servers in a child process, answering with the real QEMU 7.2 replies of
// __fixtures__/qemu after a fixed delay that stands in for QEMU's own work; no /proc side.
// Run: pnpm --filter @arcbox/perf-vmm build && node packages/vmm/bench/many-vms.mjs
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createQemuVmCollector } from '../dist/index.js';

const VMS = 20;
const DELAY_MS = 2;
const ROUNDS = 100;

if (process.argv[2] === 'serve') {
  // Child: N fake QEMUs, each answering a command after DELAY_MS, in order like QEMU's monitor.
  const fixture = (name) =>
    JSON.parse(
      readFileSync(new URL(`../__fixtures__/qemu/user-netdev/${name}`, import.meta.url), 'utf8'),
    ).return;
  const replies = {
    'query-cpus-fast': fixture('query-cpus-fast.json'),
    'query-blockstats': fixture('query-blockstats-t0.json'),
    'query-memory-size-summary': fixture('query-memory-size-summary.json'),
    'query-name': { name: 'vm' },
    qmp_capabilities: {},
    'qom-set': {},
  };
  const greeting = readFileSync(
    new URL('../__fixtures__/qemu/user-netdev/qmp-greeting-and-version.ndjson', import.meta.url),
    'utf8',
  ).split('\n')[0];
  const dir = process.argv[3];
  for (let i = 0; i < VMS; i++) {
    createServer((socket) => {
      socket.write(`${greeting}\r\n`);
      let buffer = '';
      let queue = Promise.resolve();
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        buffer += chunk;
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          const request = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          let value = replies[request.execute] ?? null;
          if (request.execute === 'qom-list') {
            value =
              request.arguments.path === '/machine/peripheral'
                ? [{ name: 'balloon0', type: 'child<virtio-balloon-pci>' }]
                : [];
          } else if (request.execute === 'qom-get') {
            value =
              request.arguments.property === 'guest-stats'
                ? fixture('balloon-guest-stats-t0.json')
                : 2;
          } else if (request.execute === 'human-monitor-command') value = '';
          queue = queue.then(
            () =>
              new Promise((resolve) =>
                setTimeout(() => {
                  socket.write(`${JSON.stringify({ return: value, id: request.id })}\r\n`);
                  resolve();
                }, DELAY_MS),
              ),
          );
        }
      });
    }).listen(join(dir, `vm${i}.qmp`));
  }
  process.send?.('ready');
} else {
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-many-vms-'));
  const child = fork(new URL(import.meta.url).pathname, ['serve', dir], { stdio: 'inherit' });
  await new Promise((resolve) => child.once('message', resolve));
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const signal = new AbortController().signal;
  try {
    const time = async (collector) => {
      for (let i = 0; i < 10; i++) await collector.collect({ signal });
      const t = [];
      for (let i = 0; i < ROUNDS; i++) {
        const t0 = performance.now();
        const readings = await collector.collect({ signal });
        t.push(performance.now() - t0);
        if (readings.some((r) => r.problems.length > 0)) throw new Error('a VM failed');
      }
      collector.close();
      return median(t);
    };
    const one = await time(
      createQemuVmCollector({ vms: [{ id: 'vm0', qmpSocket: join(dir, 'vm0.qmp') }] }),
    );
    const all = await time(createQemuVmCollector({ vmDir: dir }));
    console.log(
      `${VMS} constructed QMP servers (real QEMU replies, ${DELAY_MS} ms per command), ${ROUNDS} collections\n`,
    );
    console.log('| what | median ms | ratio to one VM |');
    console.log('|---|---:|---:|');
    console.log(`| one collection, 1 VM | ${one.toFixed(3)} | 1.00x |`);
    console.log(
      `| one collection, ${VMS} VMs (discovered) | ${all.toFixed(3)} | ${(all / one).toFixed(2)}x |`,
    );
    console.log(
      `\nsequential reading would be about ${VMS}x; concurrent stays near 1x plus CPU work.`,
    );
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
