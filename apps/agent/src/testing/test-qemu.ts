// Test support: a real QEMU with no guest (it idles in its firmware) and a QMP socket, which is all
// the VM collector needs to find its vCPU threads, memory size and process.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const hasQemu = existsSync('/usr/bin/qemu-system-x86_64');

export interface TestVm {
  id: string;
  socket: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startTestVm(dir: string, id: string): Promise<TestVm> {
  const socket = join(dir, `${id}.qmp`);
  const child = spawn(
    'qemu-system-x86_64',
    [
      '-name',
      `guest=${id}`,
      '-display',
      'none',
      '-nodefaults',
      '-m',
      '64',
      '-smp',
      '2',
      '-accel',
      'tcg',
      '-qmp',
      `unix:${socket},server=on,wait=off`,
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; !existsSync(socket); i += 1) {
    if (child.exitCode !== null) throw new Error(`qemu exited with ${child.exitCode}`);
    if (i > 200) throw new Error('qemu made no QMP socket');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    id,
    socket,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
