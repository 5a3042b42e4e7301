// A throwaway podman 4.3.1 engine for the tests and the benchmark: its own storage in a temp
// folder, a busybox image imported from a local rootfs (no registry), the Docker-compatible
// service on a unix socket, and a cleanup that also removes what podman leaves outside --root
// (shared/fixtures/podman/README.md). Needs root, Debian podman and busybox-static.
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Written by podman even with --root/--runroot.
const leftovers = [
  '/var/lib/containers',
  '/run/libpod',
  '/run/containers',
  '/etc/containers/networks',
];
const hierarchies = [
  'cpu',
  'cpuacct',
  'memory',
  'blkio',
  'pids',
  'cpuset',
  'devices',
  'freezer',
  'systemd',
  'unified',
  'net_cls',
  'perf_event',
  'hugetlb',
];
const libpodParents = hierarchies.map((h) => `/sys/fs/cgroup/${h}/libpod_parent`);

export function podmanLabMissing() {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!existsSync('/usr/bin/podman')) return 'needs Debian podman';
  if (!existsSync('/bin/busybox')) return 'needs busybox-static';
  return null;
}

/** @param {{ prefix: string, image: string, applets: string[] }} options */
export async function startPodmanLab({ prefix, image, applets }) {
  const existed = new Set([...leftovers, ...libpodParents].filter((p) => existsSync(p)));
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // The ulimits podman needs to run as root here (fixtures/podman/podman_containers.conf).
  copyFileSync(
    new URL('../__fixtures__/podman/podman_containers.conf', import.meta.url),
    join(dir, 'containers.conf'),
  );
  const env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf') };
  const base = ['--root', join(dir, 'storage'), '--runroot', join(dir, 'runroot')];
  const podman = (args, timeout = 60_000) => run('podman', [...base, ...args], { env, timeout });
  let service = null;

  const stop = async () => {
    if (service) {
      const exited = new Promise((r) => service.once('exit', r));
      service.kill('SIGTERM');
      await Promise.race([exited, sleep(5000)]);
      if (service.exitCode === null) service.kill('SIGKILL');
    }
    await podman(['system', 'reset', '-f']).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    for (const p of leftovers) if (!existed.has(p)) rmSync(p, { recursive: true, force: true });
    for (const parent of libpodParents) {
      if (existed.has(parent) || !existsSync(parent)) continue;
      for (const e of readdirSync(parent, { withFileTypes: true }))
        if (e.isDirectory()) rmdirSync(join(parent, e.name));
      rmdirSync(parent);
    }
  };

  try {
    const rootfs = join(dir, 'rootfs');
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'));
    for (const applet of applets) symlinkSync('busybox', join(rootfs, 'bin', applet));
    await run('tar', ['-C', rootfs, '-cf', join(dir, 'rootfs.tar'), '.'], { timeout: 30_000 });
    await podman(['import', join(dir, 'rootfs.tar'), image]);
    const socket = join(dir, 'podman.sock');
    service = spawn('podman', [...base, 'system', 'service', '--time=0', `unix://${socket}`], {
      env,
      stdio: 'ignore',
    });
    for (let i = 0; i < 100 && !existsSync(socket); i++) await sleep(100);
    return { dir, socket, podman, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
