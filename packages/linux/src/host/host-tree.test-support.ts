import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fixture } from './fixtures.test-support.js';

/**
 * Lays out a proc/sys tree under `root` from the real captures (node_exporter's), plus the sysfs
 * folders a collector consults. The sysfs part is constructed: no capture of it exists here.
 */
export function writeHostTree(root: string, files: Record<string, string | null> = {}): void {
  const all: Record<string, string | null> = {
    'proc/stat': fixture('node_exporter/stat'),
    'proc/meminfo': fixture('node_exporter/meminfo'),
    'proc/diskstats': fixture('node_exporter/diskstats'),
    'proc/net/dev': fixture('node_exporter/net_dev'),
    'proc/loadavg': fixture('node_exporter/loadavg'),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    if (text === null) continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  for (const dir of [
    'sys/block/sda/sda1',
    'sys/block/sda/sda2',
    'sys/block/sdb/sdb1',
    'sys/block/sdc/sdc1',
    'sys/block/mmcblk0/mmcblk0p1',
    'sys/block/nvme0n1/nvme0n1p1',
    'sys/block/vda/vda1',
    'sys/block/loop0',
    'sys/block/dm-0',
    'sys/devices/virtual/net/lo',
    'sys/devices/virtual/net/veth4B09XN',
    'sys/devices/virtual/net/docker0',
    'sys/devices/virtual/net/lxcbr0',
    'sys/devices/virtual/net/tun0',
    'sys/devices/virtual/net/flannel.1',
  ]) {
    mkdirSync(join(root, dir), { recursive: true });
  }
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `arcbox-${prefix}-`));
}
