/** One guest NIC and the host backend it is wired to, from HMP `info network`. */
export interface QemuNic {
  /** NIC name: the `-device ...,id=` (e.g. `vnet0`), else QEMU's own (`virtio-net-pci.0`). */
  device: string;
  model: string | null;
  /** Backend netdev id (`-netdev tap,id=net0`), null when the NIC has none. */
  backendId: string | null;
  /** Backend type: `tap`, `user`, `bridge`, `vhost-user`, `socket`, ... */
  backendType: string | null;
  /** Host interface for tap/bridge backends. */
  ifname: string | null;
}

/**
 * Parses the text of `human-monitor-command {"command-line": "info network"}`, the one QMP way
 * (QEMU 7.2) to see which netdev backs each NIC:
 *   vnet0: index=0,type=nic,model=virtio-net-pci,macaddr=52:54:00:12:34:56
 *    \ net0: index=0,type=tap,ifname=tap0,script=no,downscript=no
 * Lines it does not understand (hubs, `-net` legacy lines) are skipped.
 */
export function parseInfoNetwork(text: string): QemuNic[] {
  const nics: QemuNic[] = [];
  let current: QemuNic | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const peer = /^\s+\\\s+([^:]+):\s*(.*)$/.exec(raw);
    if (peer) {
      if (current && current.backendId === null) {
        const props = parseProps(peer[2] ?? '');
        current.backendId = (peer[1] ?? '').trim();
        current.backendType = props.get('type') ?? null;
        current.ifname = props.get('ifname') ?? props.get('br') ?? null;
      }
      continue;
    }
    const head = /^(\S[^:]*):\s*(.*)$/.exec(raw);
    if (!head) continue;
    const props = parseProps(head[2] ?? '');
    if (props.get('type') !== 'nic') {
      current = null;
      continue;
    }
    current = {
      device: (head[1] ?? '').trim(),
      model: props.get('model') ?? null,
      backendId: null,
      backendType: null,
      ifname: null,
    };
    nics.push(current);
  }
  return nics;
}

function parseProps(text: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) props.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return props;
}
