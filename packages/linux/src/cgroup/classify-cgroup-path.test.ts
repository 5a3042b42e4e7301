import { describe, expect, it } from 'vitest';
import { classifyCgroupPath } from './classify-cgroup-path.js';

const id = 'b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242';

describe('classifyCgroupPath', () => {
  it.each([
    [`/docker/${id}`, 'docker', id],
    [`/system.slice/docker-${id}.scope`, 'docker', id],
    [
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podx.slice/cri-containerd-${id}.scope`,
      'kubernetes',
      id,
    ],
    [`/system.slice/cri-containerd-${id}.scope`, 'containerd', id],
    [`/kubepods/besteffort/pod1234/${id}`, 'kubernetes', id],
    [`/kubepods.slice/kubepods-pod1.slice/crio-${id}.scope`, 'kubernetes', id],
    [`/machine.slice/libpod-${id}.scope`, 'podman', id],
    [`/libpod_parent/libpod-${id}`, 'podman', id],
    ['/machine.slice/machine-my\\x2dbox.scope', 'nspawn', 'my-box'],
    ['/lxc.payload.web1', 'lxc', 'web1'],
    ['/lxc/web2', 'lxc', 'web2'],
  ])('%s is %s', (path, runtime, expected) => {
    expect(classifyCgroupPath(path)).toEqual({ id: expected, runtime });
  });

  it.each([
    '/',
    '/system.slice/sshd.service',
    `/machine.slice/libpod-conmon-${id}.scope`,
    `/somewhere/${id}`,
    '/docker',
    '/user.slice/user-1000.slice',
  ])('%s is not a container', (path) => {
    expect(classifyCgroupPath(path)).toBeNull();
  });
});
