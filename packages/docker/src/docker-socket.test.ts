import { PerfError } from '@arcbox/perf-core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOCKER_SOCKET, resolveDockerSocket } from './docker-socket.js';

describe('resolveDockerSocket', () => {
  it('prefers an explicit path, then DOCKER_HOST, then the default', () => {
    expect(resolveDockerSocket('/x.sock', { DOCKER_HOST: 'unix:///y.sock' })).toBe('/x.sock');
    expect(
      resolveDockerSocket(undefined, { DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' }),
    ).toBe('/run/user/1000/podman/podman.sock');
    expect(resolveDockerSocket(undefined, {})).toBe(DEFAULT_DOCKER_SOCKET);
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
