import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { computeSystemMetrics } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import {
  hasCommand,
  isRoot,
  liveCollector,
  run,
  suffix,
  tryRun,
} from './integration.test-support.js';

const canNetns = isRoot && hasCommand('ip');
const BYTES = 4 * 1024 * 1024;

// A sink inside the test's own network namespace: counts what arrives, prints it on close.
const sink = `
const net = require('node:net');
const server = net.createServer((s) => {
  let n = 0;
  s.on('data', (d) => { n += d.length; });
  s.on('end', () => { process.stdout.write('received ' + n + '\\n'); s.end(); server.close(); });
});
server.listen(Number(process.argv[2]), process.argv[1], () => process.stdout.write('listening\\n'));
setTimeout(() => process.exit(2), 30000).unref();
`;

describe('network ground truth (live /proc/net/dev)', () => {
  it.skipIf(!canNetns)(
    'bytes sent over a veth into a test netns move its counters; the veth is virtual and not in the total (needs root, ip)',
    async () => {
      const id = suffix();
      const ns = `arcbox-host-${id}`;
      const hostIf = `ahv${id}`;
      const peerIf = `ahp${id}`;
      const x = 100 + Math.floor(Math.random() * 150);
      const hostAddr = `10.200.${x}.1`;
      const peerAddr = `10.200.${x}.2`;
      const port = 20000 + Math.floor(Math.random() * 20000);
      const { collector, read } = liveCollector();
      let server: ReturnType<typeof spawn> | null = null;
      try {
        await run('ip', ['netns', 'add', ns]);
        await run('ip', [
          'link',
          'add',
          hostIf,
          'type',
          'veth',
          'peer',
          'name',
          peerIf,
          'netns',
          ns,
        ]);
        await run('ip', ['addr', 'add', `${hostAddr}/30`, 'dev', hostIf]);
        await run('ip', ['link', 'set', hostIf, 'up']);
        await run('ip', ['-n', ns, 'addr', 'add', `${peerAddr}/30`, 'dev', peerIf]);
        await run('ip', ['-n', ns, 'link', 'set', peerIf, 'up']);

        const child = spawn(
          'ip',
          ['netns', 'exec', ns, process.execPath, '-e', sink, peerAddr, String(port)],
          {
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        server = child;
        let out = '';
        const received = new Promise<number>((resolve, reject) => {
          child.on('error', reject);
          child.stdout.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /received (\d+)/.exec(out);
            if (m) resolve(Number(m[1]));
          });
          child.on('close', (code) => reject(new Error(`sink exited with ${code}: ${out}`)));
        });
        received.catch(() => undefined); // awaited below; this only keeps an early failure handled
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('sink did not start')), 15_000);
          child.stdout.on('data', () => {
            if (out.includes('listening')) {
              clearTimeout(timer);
              resolve();
            }
          });
        });

        const before = await read();
        await new Promise<void>((resolve, reject) => {
          const socket = connect({ host: peerAddr, port }, () =>
            socket.end(Buffer.alloc(BYTES, 7)),
          );
          socket.on('error', reject);
          socket.on('close', () => resolve());
          socket.resume();
        });
        expect(await received).toBe(BYTES);
        const after = await read();

        const i0 = before.interfaces?.find((i) => i.name === hostIf);
        const i1 = after.interfaces?.find((i) => i.name === hostIf);
        expect(i1!.txBytes - i0!.txBytes).toBeGreaterThanOrEqual(BYTES);
        // veth offloads (GSO) let one counted packet carry up to 64 KiB, so that is the floor.
        expect(i1!.txPackets - i0!.txPackets).toBeGreaterThanOrEqual(Math.floor(BYTES / 65536));
        expect(i1!.rxPackets - i0!.rxPackets).toBeGreaterThan(0);
        expect(i1).toMatchObject({ virtual: true, loopback: false, countedInTotal: false });
        const m = computeSystemMetrics(before, after);
        expect(m.interfaces.find((i) => i.name === hostIf)?.countedInTotal).toBe(false);
      } finally {
        collector.close();
        if (server?.pid && server.exitCode === null) server.kill('SIGTERM');
        await tryRun('ip', ['netns', 'del', ns]);
        await tryRun('ip', ['link', 'del', hostIf]);
      }
    },
  );
});
