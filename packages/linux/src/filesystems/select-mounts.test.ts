import { describe, expect, it } from 'vitest';
import { parseMountinfo } from './parse-mountinfo.js';
import { isReadOnlyMount, PSEUDO_FS_TYPES, selectMounts } from './select-mounts.js';

const points = (text: string) => selectMounts(parseMountinfo(text)).map((m) => m.mountPoint);

describe('selectMounts', () => {
  it('skips every pseudo type SEMANTICS.md lists, keeps tmpfs, devtmpfs, overlay and disks', () => {
    const pseudo = [...PSEUDO_FS_TYPES].map(
      (type, i) => `${100 + i} 1 0:${100 + i} / /pseudo/${type} rw - ${type} ${type} rw`,
    );
    const text = [
      '1 0 254:0 / / rw - ext4 /dev/vda rw',
      '2 1 0:6 / /dev rw - devtmpfs devtmpfs rw',
      '3 2 0:22 / /dev/shm rw - tmpfs tmpfs rw',
      '4 1 0:40 / /merged rw - overlay overlay rw,lowerdir=/l',
      ...pseudo,
    ].join('\n');
    expect(PSEUDO_FS_TYPES.size).toBe(20);
    expect(points(text)).toEqual(['/', '/dev', '/dev/shm', '/merged']);
  });

  it('skips mounts below the runtimes’ trees, not a disk mounted at one of them', () => {
    const text = [
      '1 0 254:0 / / rw - ext4 /dev/vda rw',
      '2 1 8:16 / /var/lib/docker rw - xfs /dev/sdb rw',
      '3 2 0:50 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw',
      '4 1 0:51 / /var/lib/containers/storage/overlay/x/merged rw - overlay overlay rw',
      '5 1 0:52 / /run/containerd/io.containerd.runtime.v2.task/k8s.io/x/rootfs rw - overlay o rw',
      '6 1 0:53 / /var/lib/kubelet/pods/uid/volumes/kubernetes.io~secret/t rw - tmpfs tmpfs rw',
      '7 1 0:4 net:[4026532] /run/netns/cni-1 rw - nsfs nsfs rw',
      '8 1 0:54 / /run/netns/extra rw - tmpfs tmpfs rw',
      '9 1 0:55 / /var/lib/dockerish rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(points(text)).toEqual(['/', '/var/lib/docker', '/var/lib/dockerish']);
  });

  it('keeps the shortest mount point of one (device, root), and a bind of a subtree apart', () => {
    const text = [
      '1 0 254:0 / / rw - ext4 /dev/vda rw',
      '2 1 8:1 / /srv/data rw - ext4 /dev/sda1 rw',
      '3 1 8:1 / /d rw - ext4 /dev/sda1 rw',
      '4 1 8:1 / /mnt/again rw - ext4 /dev/sda1 rw',
      '5 1 254:0 /home /home-bind rw - ext4 /dev/vda rw',
    ].join('\n');
    expect(points(text)).toEqual(['/', '/d', '/home-bind']);
  });

  it('keeps only the top mount where one was mounted over another at the same path', () => {
    const text = [
      '1 0 254:0 / / rw - ext4 /dev/vda rw',
      '2 1 0:60 / /mnt/x rw - tmpfs small rw,size=1024k',
      '3 2 0:61 / /mnt/x rw - tmpfs big rw,size=2048k',
      '4 1 0:62 / /mnt/y rw - tmpfs under rw',
      '5 4 0:63 / /mnt/y rw - proc proc rw',
    ].join('\n');
    const chosen = selectMounts(parseMountinfo(text));
    expect(chosen.map((m) => m.source)).toEqual(['/dev/vda', 'big']);
  });
});

describe('isReadOnlyMount', () => {
  it('is the mount’s own `ro`, not the superblock’s options', () => {
    const [rwBind, roBind, roSuper] = parseMountinfo(
      [
        '2 1 8:1 / /a rw,relatime - ext4 /dev/sda1 rw',
        '3 1 8:1 / /b ro,relatime - ext4 /dev/sda1 rw',
        '4 1 8:2 / /c rw,noatime - ext4 /dev/sda2 ro,errors=remount-ro',
      ].join('\n'),
    );
    expect([rwBind, roBind, roSuper].map((m) => isReadOnlyMount(m!))).toEqual([false, true, false]);
  });
});
