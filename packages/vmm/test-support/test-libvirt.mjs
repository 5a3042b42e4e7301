// A real libvirt domain for the libvirt ground-truth test: the libvirt daemons (started here when
// they are not running, and stopped again), and a transient `<domain type='qemu'>` (TCG, no KVM)
// booting the same kernel and busybox guest as test-vm.mjs: vCPU 1 busy, known O_DIRECT reads and
// writes on its virtio disk, pings out of a virtio NIC on a tap nobody else uses.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GUEST_MEMORY_BYTES, prepareGuest } from './test-vm.mjs';

export const LIBVIRT_URI = 'qemu:///system';
const LIBVIRTD_SOCKET = '/run/libvirt/libvirt-sock';
const VIRTLOGD_SOCKET = '/run/libvirt/virtlogd-sock';

function which(cmd) {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin']);
  for (const dir of dirs) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return null;
}

function run(cmd, args, options = {}) {
  return execFileSync(which(cmd) ?? cmd, args, {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
    ...options,
  });
}

/** Why a libvirt test domain cannot run here, or null when it can. */
export function libvirtUnavailableReason() {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root (libvirtd for qemu:///system, a tap device)';
  for (const [cmd, pkg] of [
    ['virsh', 'libvirt-clients'],
    ['libvirtd', 'libvirt-daemon-system'],
    ['virtlogd', 'libvirt-daemon-system'],
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['qemu-img', 'qemu-utils'],
    ['busybox', 'busybox-static'],
    ['ip', 'iproute2'],
    ['dpkg', 'dpkg'],
  ]) {
    if (!which(cmd)) return `${cmd} not installed (Debian ${pkg})`;
  }
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun';
  const cache = process.env.ARCBOX_VM_CACHE ?? '/var/cache/arcbox-perf-vm';
  if (!which('apt-get') && !existsSync(cache)) return 'no guest kernel cached and no apt-get';
  return null;
}

/** Whether a daemon answers on its unix socket. */
function answers(socketPath) {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function stopPid(pidFile, name) {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
  throw new Error(`${name} (pid ${pid}) did not stop on SIGTERM in 10 s`);
}

/**
 * virtlogd and libvirtd, started with `-d` when they do not answer, each with its own pid file so
 * `stop()` ends exactly the processes started here (and leaves a running system's daemons alone).
 */
export async function ensureLibvirtDaemons() {
  const state = mkdtempSync(join(tmpdir(), 'arcbox-libvirtd-'));
  const started = [];
  for (const [name, socket] of [
    ['virtlogd', VIRTLOGD_SOCKET],
    ['libvirtd', LIBVIRTD_SOCKET],
  ]) {
    if (await answers(socket)) continue;
    const pidFile = join(state, `${name}.pid`);
    run(name, ['-d', '-p', pidFile]);
    started.push({ name, pidFile });
    const deadline = Date.now() + 30_000;
    while (!(await answers(socket))) {
      if (Date.now() > deadline) throw new Error(`${name} -d made no ${socket} in 30 s`);
      await sleep(100);
    }
  }
  run('virsh', ['-c', LIBVIRT_URI, 'version']);
  return {
    started: started.map((s) => s.name),
    async stop() {
      // libvirtd first: it still talks to virtlogd while it shuts down.
      for (const s of [...started].reverse()) await stopPid(s.pidFile, s.name);
      rmSync(state, { recursive: true, force: true });
    },
  };
}

function domainXml({ name, kernel, initrd, disk, tap, consoleLog }) {
  return `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='KiB'>${GUEST_MEMORY_BYTES / 1024}</memory>
  <vcpu>2</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>${kernel}</kernel>
    <initrd>${initrd}</initrd>
    <cmdline>console=ttyS0 panic=-1 quiet</cmdline>
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='${disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='ethernet'>
      <target dev='${tap}' managed='no'/>
      <model type='virtio'/>
      <mac address='52:54:00:12:34:56'/>
    </interface>
    <serial type='file'>
      <source path='${consoleLog}'/>
      <target port='0'/>
    </serial>
    <memballoon model='virtio'>
      <stats period='2'/>
    </memballoon>
  </devices>
</domain>
`;
}

/**
 * Creates a transient domain (gone once destroyed) on a tap made for it in the host's network
 * namespace, where libvirt's QEMU runs. `destroy()` removes domain, tap and files; safe twice.
 */
export async function startLibvirtTestVm(options = {}) {
  const { kernel, initrd } = prepareGuest();
  const tag = `${process.pid.toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const name = options.name ?? `arcbox-lv-${tag}`;
  const tap = `tlv${tag}`.slice(0, 15);
  const dir = mkdtempSync(join(tmpdir(), 'arcbox-lv-'));
  // libvirt's QEMU runs as libvirt-qemu: it must reach the disk libvirt hands over to it.
  chmodSync(dir, 0o755);
  const disk = join(dir, 'disk.qcow2');
  const consoleLog = join(dir, 'console.log');
  let destroyed = false;

  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    process.removeListener('exit', onExit);
    try {
      run('virsh', ['-c', LIBVIRT_URI, 'destroy', name]);
    } catch {}
    try {
      run('ip', ['link', 'del', tap]);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  const onExit = () => {
    try {
      execFileSync(which('virsh') ?? 'virsh', ['-c', LIBVIRT_URI, 'destroy', name], {
        stdio: 'ignore',
      });
    } catch {}
    try {
      execFileSync(which('ip') ?? 'ip', ['link', 'del', tap], { stdio: 'ignore' });
    } catch {}
  };
  process.once('exit', onExit);

  try {
    run('qemu-img', ['create', '-q', '-f', 'qcow2', disk, '64M']);
    run('ip', ['tuntap', 'add', 'dev', tap, 'mode', 'tap']);
    // No address and no IPv6 on the host end: what the guest receives is only what we send.
    const ipv6 = `/proc/sys/net/ipv6/conf/${tap}/disable_ipv6`;
    if (existsSync(ipv6)) writeFileSync(ipv6, '1\n');
    run('ip', ['link', 'set', tap, 'up']);
    const xml = join(dir, 'domain.xml');
    writeFileSync(xml, domainXml({ name, kernel, initrd, disk, tap, consoleLog }));
    run('virsh', ['-c', LIBVIRT_URI, 'create', xml]);
  } catch (error) {
    await destroy();
    throw error;
  }

  const consoleText = () => {
    try {
      return readFileSync(consoleLog, 'utf8');
    } catch {
      return '';
    }
  };
  const waitForConsole = async (pattern, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(consoleText());
      if (match) return match;
      if (Date.now() > deadline)
        throw new Error(`guest did not print ${pattern} in ${timeoutMs} ms:\n${consoleText()}`);
      await sleep(250);
    }
  };
  /** The tap's own counters, in the host's direction (its rx is what the guest sent). */
  const tapCounters = () => {
    const read = (f) => Number(readFileSync(`/sys/class/net/${tap}/statistics/${f}`, 'utf8'));
    return {
      rxBytes: read('rx_bytes'),
      txBytes: read('tx_bytes'),
      rxPackets: read('rx_packets'),
      txPackets: read('tx_packets'),
    };
  };
  /** The domain's state as virsh prints it (`running`, ...), or null when libvirt has no such domain. */
  const state = () =>
    new Promise((resolve) =>
      execFile(
        which('virsh') ?? 'virsh',
        ['-c', LIBVIRT_URI, 'domstate', name],
        { encoding: 'utf8', timeout: 10_000 },
        (error, stdout) => resolve(error ? null : stdout.trim()),
      ),
    );
  return { name, tap, dir, consoleText, waitForConsole, tapCounters, state, destroy };
}
