import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { hasCommand } from './has-command.js';

export const hasQemu = hasCommand('qemu-system-x86_64', ['--version']);

export interface PausedQemu {
  pid: number;
  /** Ends QEMU (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * A real QEMU with 2 vCPUs, 128 MiB, a null-co virtio disk and no guest: -S keeps the vCPUs
 * stopped, and QMP answers for the VM all the same. Resolves once the QMP socket exists.
 */
export async function startPausedQemu(qmpSocket: string, name: string): Promise<PausedQemu> {
  const qemu: ChildProcess = spawn(
    'qemu-system-x86_64',
    [
      '-machine',
      'q35,accel=tcg',
      '-smp',
      '2',
      '-m',
      '128',
      '-S',
      '-nodefaults',
      '-display',
      'none',
      '-name',
      `guest=${name}`,
      '-qmp',
      `unix:${qmpSocket},server=on,wait=off`,
      '-drive',
      'driver=null-co,if=none,id=d0',
      '-device',
      'virtio-blk-pci,drive=d0',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100 && !existsSync(qmpSocket) && qemu.exitCode === null; i += 1)
    await sleep(50);
  return {
    pid: qemu.pid as number,
    async stop() {
      if (qemu.exitCode !== null || qemu.signalCode !== null) return;
      const gone = new Promise((resolve) => qemu.once('exit', resolve));
      qemu.kill('SIGTERM');
      await gone;
    },
  };
}
