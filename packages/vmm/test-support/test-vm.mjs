// Boots a real QEMU VM for the ground-truth test and the benchmark: Debian's cloud kernel (fetched
// with `apt-get download` + `dpkg -x`, never installed), a busybox initramfs, TCG (no KVM here),
// virtio-blk, virtio-net on a tap inside a network namespace made for the run, virtio-balloon.
// A second virtio-net NIC uses `-netdev user`. The guest loads the virtio modules, keeps vCPU 1 busy, and loops: O_DIRECT reads and writes of
// known sizes on /dev/vda, a ping to the host end of the tap, and pings to an address nobody answers
// (a static ARP entry) so the guest sends clearly more than it receives.
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const GUEST_READ_BYTES_PER_ROUND = 64 * 65536; // 4 MiB
export const GUEST_WRITE_BYTES_PER_ROUND = 32 * 65536; // 2 MiB
export const GUEST_MEMORY_BYTES = 256 * 1024 * 1024;
const CACHE_DIR = process.env.ARCBOX_VM_CACHE ?? '/var/cache/arcbox-perf-vm';
const MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_modern_dev',
  'virtio_pci_legacy_dev',
  'virtio_pci',
  'virtio_blk',
  'failover',
  'net_failover',
  'virtio_net',
  'virtio_balloon',
];

function which(cmd) {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(':')) {
    if (existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  for (const dir of ['/usr/sbin', '/sbin']) if (existsSync(join(dir, cmd))) return join(dir, cmd);
  return null;
}

/** Why a test VM cannot run here, or null when it can. */
export function testVmUnavailableReason() {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root (tap device and network namespace)';
  for (const cmd of ['qemu-system-x86_64', 'qemu-img', 'busybox', 'ip', 'dpkg']) {
    if (!which(cmd))
      return `${cmd} not installed (Debian qemu-system-x86, qemu-utils, busybox-static, iproute2)`;
  }
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun';
  if (!which('apt-get') && !existsSync(CACHE_DIR)) return 'no guest kernel cached and no apt-get';
  return null;
}

function run(cmd, args, options = {}) {
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 120_000,
    ...options,
  });
}

/** Kernel and initramfs, built once and cached by the guest script's hash (re-runs take no download). */
export function prepareGuest() {
  const key = createHash('sha256').update(guestInit()).digest('hex').slice(0, 12);
  const kernel = join(CACHE_DIR, `vmlinuz-${key}`);
  const initrd = join(CACHE_DIR, `initrd-${key}.cpio`);
  const ready = join(CACHE_DIR, `ready-${key}`);
  if (existsSync(ready)) return { kernel, initrd };
  mkdirSync(CACHE_DIR, { recursive: true });
  const depends = run('apt-cache', ['depends', 'linux-image-cloud-amd64']);
  const version = /Depends: (linux-image-[0-9][^\s]*-cloud-amd64)/.exec(depends)?.[1];
  if (!version) throw new Error(`no linux-image-*-cloud-amd64 in apt-cache:\n${depends}`);
  const work = mkdtempSync(join(CACHE_DIR, 'build-'));
  try {
    run('apt-get', ['download', version], { cwd: work });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${version} gave no .deb`);
    run('dpkg', ['-x', join(work, deb), join(work, 'x')]);
    const release = readdirSync(join(work, 'x', 'lib', 'modules'))[0];
    const root = join(work, 'root');
    for (const d of ['bin', 'lib/modules', 'proc', 'sys', 'dev', 'tmp'])
      mkdirSync(join(root, d), { recursive: true });
    copyFileSync(which('busybox'), join(root, 'bin', 'busybox'));
    for (const m of MODULES) {
      const found = run('find', [join(work, 'x', 'lib', 'modules', release), '-name', `${m}.ko`])
        .trim()
        .split('\n')[0];
      if (!found) throw new Error(`module ${m}.ko not in ${version}`);
      copyFileSync(found, join(root, 'lib', 'modules', `${m}.ko`));
    }
    writeFileSync(join(root, 'init'), guestInit(), { mode: 0o755 });
    const list = run('find', ['.'], { cwd: root });
    const cpio = execFileSync(which('busybox'), ['cpio', '-o', '-H', 'newc'], {
      cwd: root,
      input: list,
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    writeFileSync(initrd, cpio);
    copyFileSync(join(work, 'x', 'boot', `vmlinuz-${release}`), kernel);
    writeFileSync(ready, `${version}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { kernel, initrd };
}

function guestInit() {
  return `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
/bin/busybox --install -s /bin
for m in ${MODULES.join(' ')}; do insmod /lib/modules/$m.ko || echo "ARCBOX: insmod $m failed"; done
i=0; while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
ip link set lo up
ip link set eth0 up
ip addr add 10.77.0.2/24 dev eth0
arp -s 10.77.0.99 02:00:00:00:00:99 || echo "ARCBOX: arp failed"
echo "ARCBOX: up cpus=$(nproc)"
taskset 2 sh -c 'while :; do :; done' &
taskset -p 1 $$ >/dev/null || echo "ARCBOX: taskset -p failed"
n=0
while :; do
  t0=$(cut -d' ' -f1 /proc/uptime)
  dd if=/dev/vda of=/dev/null bs=65536 count=64 iflag=direct 2>/dev/null || echo "ARCBOX: read failed"
  t1=$(cut -d' ' -f1 /proc/uptime)
  dd if=/dev/zero of=/dev/vda bs=65536 count=32 oflag=direct 2>/dev/null || echo "ARCBOX: write failed"
  t2=$(cut -d' ' -f1 /proc/uptime)
  ping -c 1 -W 2 10.77.0.1 >/dev/null && p=ok || p=fail
  t3=$(cut -d' ' -f1 /proc/uptime)
  ping -c 3 -i 0.2 -W 1 -w 2 -s 1200 10.77.0.99 >/dev/null 2>&1
  n=$((n+1))
  echo "ARCBOX: round=$n ping=$p t=$t0,$t1,$t2,$t3,$(cut -d' ' -f1 /proc/uptime)"
  sleep 0.5
done
`;
}

/**
 * Starts the VM inside a fresh network namespace; `stop()` kills QEMU and removes the namespace,
 * tap and files (call it in `finally` / afterAll, it is safe to call twice).
 */
export async function startTestVm(options = {}) {
  const { kernel, initrd } = prepareGuest();
  const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const netns = `arcvm-${tag}`;
  const tap = `tvm${tag}`.slice(0, 15);
  const id = options.id ?? 'vm1';
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'arcbox-vm-'));
  mkdirSync(dir, { recursive: true });
  const qmpSocket = join(dir, `${id}.qmp`);
  const consoleLog = join(dir, `${id}.console.log`);
  const disk = join(dir, `${id}.qcow2`);
  let child = null;
  let stopped = false;

  // If the test process exits without stop() (a crash, process.exit), still leave nothing behind.
  const onExit = () => {
    child?.kill('SIGKILL');
    try {
      run('ip', ['netns', 'del', netns]);
    } catch {}
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    try {
      run('ip', ['netns', 'exec', netns, 'ip', 'link', 'del', tap]);
    } catch {}
    try {
      run('ip', ['netns', 'del', netns]);
    } catch {}
    if (!options.dir) rmSync(dir, { recursive: true, force: true });
    else for (const f of [qmpSocket, consoleLog, disk]) rmSync(f, { force: true });
  };

  try {
    run('ip', ['netns', 'add', netns]);
    run('ip', ['netns', 'exec', netns, 'ip', 'tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    run('ip', ['netns', 'exec', netns, 'ip', 'addr', 'add', '10.77.0.1/24', 'dev', tap]);
    run('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', tap, 'up']);
    run('ip', ['netns', 'exec', netns, 'ip', 'link', 'set', 'lo', 'up']);
    run('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
    const args = [
      'netns',
      'exec',
      netns,
      'qemu-system-x86_64',
      '-name',
      `guest=${id},debug-threads=on`,
      '-machine',
      'q35',
      '-accel',
      'tcg,thread=multi',
      '-smp',
      '2',
      '-m',
      '256M',
      '-nodefaults',
      '-display',
      'none',
      '-no-reboot',
      '-kernel',
      kernel,
      '-initrd',
      initrd,
      '-append',
      'console=ttyS0 panic=-1 quiet',
      '-serial',
      `file:${consoleLog}`,
      '-drive',
      `file=${disk},if=none,id=drive0,format=qcow2`,
      '-device',
      'virtio-blk-pci,drive=drive0,id=vblk0',
      '-netdev',
      `tap,id=net0,ifname=${tap},script=no,downscript=no`,
      '-device',
      'virtio-net-pci,netdev=net0,id=vnet0,mac=52:54:00:12:34:56',
      // A second NIC on user-mode networking: no host interface, so no host-side counters.
      '-netdev',
      'user,id=net1',
      '-device',
      'virtio-net-pci,netdev=net1,id=vnet1,mac=52:54:00:12:34:57',
      '-device',
      'virtio-balloon-pci,id=balloon0',
      '-qmp',
      `unix:${qmpSocket},server=on,wait=off`,
    ];
    child = spawn('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const deadline = Date.now() + 30_000;
    while (!existsSync(qmpSocket)) {
      if (child.exitCode !== null) throw new Error(`QEMU exited ${child.exitCode}: ${stderr}`);
      if (Date.now() > deadline) throw new Error(`QEMU made no QMP socket in 30 s: ${stderr}`);
      await sleep(100);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  const consoleText = () => (existsSync(consoleLog) ? readFileSync(consoleLog, 'utf8') : '');
  /** Waits until the console shows a line matching `pattern` (the guest got that far). */
  const waitForConsole = async (pattern, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = consoleText();
      const match = pattern.exec(text);
      if (match) return match;
      if (child.exitCode !== null)
        throw new Error(`QEMU exited ${child.exitCode}; console:\n${text}`);
      if (Date.now() > deadline)
        throw new Error(`guest did not print ${pattern} in ${timeoutMs} ms; console:\n${text}`);
      await sleep(250);
    }
  };
  /** The tap's own counters, read inside the namespace (its sysfs). */
  const tapCounters = async () => {
    const out = await new Promise((resolve, reject) =>
      execFile(
        'ip',
        [
          'netns',
          'exec',
          netns,
          'cat',
          ...['rx_bytes', 'tx_bytes', 'rx_packets', 'tx_packets'].map(
            (f) => `/sys/class/net/${tap}/statistics/${f}`,
          ),
        ],
        { encoding: 'utf8', timeout: 10_000 },
        (e, stdout) => (e ? reject(e) : resolve(stdout)),
      ),
    );
    const [rxBytes, txBytes, rxPackets, txPackets] = out.trim().split('\n').map(Number);
    return { rxBytes, txBytes, rxPackets, txPackets };
  };

  return {
    id,
    pid: child.pid,
    qmpSocket,
    dir,
    netns,
    tap,
    consoleLog,
    consoleText,
    waitForConsole,
    tapCounters,
    stop,
  };
}
