import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DOCKER_SOCKET,
  dockerSocketCandidates,
  resolveDockerSocket,
} from './docker-socket.js';

describe('resolveDockerSocket', () => {
  it('prefers an explicit path, then DOCKER_HOST, then the default', () => {
    expect(resolveDockerSocket('/x.sock', { DOCKER_HOST: 'unix:///y.sock' })).toBe('/x.sock');
    expect(
      resolveDockerSocket(undefined, { DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' }),
    ).toBe('/run/user/1000/podman/podman.sock');
    expect(resolveDockerSocket(undefined, {}, () => false)).toBe(DEFAULT_DOCKER_SOCKET);
  });

  it('without DOCKER_HOST finds Docker Desktop, OrbStack, Colima or Podman sockets where they exist', () => {
    const env = { HOME: '/Users/ann', XDG_RUNTIME_DIR: '/run/user/501' };
    expect(dockerSocketCandidates(env)).toEqual([
      '/var/run/docker.sock',
      '/Users/ann/.docker/run/docker.sock',
      '/Users/ann/.orbstack/run/docker.sock',
      '/Users/ann/.colima/default/docker.sock',
      '/run/podman/podman.sock',
      '/run/user/501/podman/podman.sock',
    ]);
    const only = (path: string) => (p: string) => p === path;
    expect(resolveDockerSocket(undefined, env, only('/Users/ann/.orbstack/run/docker.sock'))).toBe(
      '/Users/ann/.orbstack/run/docker.sock',
    );
    expect(resolveDockerSocket(undefined, env, only('/run/user/501/podman/podman.sock'))).toBe(
      '/run/user/501/podman/podman.sock',
    );
  });

  it('refuses a tcp DOCKER_HOST rather than talking to another engine', () => {
    try {
      resolveDockerSocket(undefined, { DOCKER_HOST: 'tcp://10.0.0.1:2375' });
      expect.unreachable();
    } catch (error) {
      expect(PerfError.isInstance(error) && error.code).toBe('CONFIG_ERROR');
    }
  });
});
