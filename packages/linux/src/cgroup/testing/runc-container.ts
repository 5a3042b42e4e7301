import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  copyFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec, execDetached } from './exec.js';

export interface RuncContainerSpec {
  /** runc's container id: the name discovery should report. */
  name: string;
  /** The shell script run as the container's init (busybox sh). */
  script: string;
  memoryLimit: number;
  pidsLimit: number;
  /** Set a throttle rule on the bundle's disk so v1 blkio counts (runc README). */
  throttleBundleDisk: boolean;
  /** CFS quota, µs per 100 ms period (50_000 = half a core); none when absent. */
  cpuQuotaUs?: number;
  /**
   * CPU shares (v1; 1024 is the default weight): a busy loop given the most keeps its core, or
   * its quota, while other work loads the machine.
   */
  cpuShares?: number;
}

export interface RuncContainer {
  id: string;
  name: string;
  bundle: string;
  rootfs: string;
  cgroupPath: string;
  pid: number;
  delete(): Promise<void>;
}

/**
 * A real OCI container: Debian's runc running a busybox-static rootfs made here, with a
 * Docker-style cgroupsPath (`/docker/<64 hex>`), so discovery sees it as Docker lays it out.
 */
export async function startRuncContainer(spec: RuncContainerSpec): Promise<RuncContainer> {
  const id = randomBytes(32).toString('hex');
  const bundle = mkdtempSync(join(tmpdir(), 'arcbox-runc-'));
  const rootfs = join(bundle, 'rootfs');
  for (const d of ['bin', 'proc', 'dev', 'sys', 'tmp', 'data'])
    mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
  for (const applet of ['sh', 'sleep', 'dd', 'cat', 'ls'])
    symlinkSync('busybox', join(rootfs, 'bin', applet));
  await exec('runc', ['spec'], { cwd: bundle });
  const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  config.process.terminal = false;
  config.process.args = ['/bin/sh', '-c', spec.script];
  config.root.readonly = false;
  config.hostname = spec.name;
  config.linux.cgroupsPath = `/docker/${id}`;
  const resources: Record<string, unknown> = {
    memory: { limit: spec.memoryLimit },
    pids: { limit: spec.pidsLimit },
  };
  if (spec.cpuQuotaUs !== undefined || spec.cpuShares !== undefined) {
    resources.cpu = {
      ...(spec.cpuQuotaUs !== undefined && { quota: spec.cpuQuotaUs, period: 100_000 }),
      ...(spec.cpuShares !== undefined && { shares: spec.cpuShares }),
    };
  }
  if (spec.throttleBundleDisk) {
    const dev = statSync(bundle).dev;
    const major = Number((BigInt(dev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(dev) & 0xffn) | ((BigInt(dev) >> 12n) & ~0xffn));
    resources.blockIO = { throttleWriteBpsDevice: [{ major, minor, rate: 10 * 2 ** 30 }] };
  }
  config.linux.resources = { ...config.linux.resources, ...resources };
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(config, null, 2));
  await execDetached(
    'runc',
    ['run', '--detach', '--bundle', bundle, spec.name],
    join(bundle, 'runc.log'),
  );
  const state = JSON.parse(await exec('runc', ['state', spec.name]));
  let deleted = false;
  return {
    id,
    name: spec.name,
    bundle,
    rootfs,
    cgroupPath: `/docker/${id}`,
    pid: state.pid as number,
    async delete() {
      if (deleted) return;
      deleted = true;
      await exec('runc', ['delete', '--force', spec.name]).catch(() => undefined);
      // runc leaves the /docker parent behind (runc README); remove ours only if empty.
      rmSync(bundle, { recursive: true, force: true });
    },
  };
}
