import { globMatches } from '@arcbox/perf-history';
import { describe, expect, it } from 'vitest';
import { constructedContainer } from '../test-support/constructed-metrics.js';
import { unmatchedCgroups } from './unmatched-cgroups.js';

const containers = ['/jobs/a', '/jobs/b', '/system.slice/x.service'].map((path) =>
  constructedContainer({ id: path, name: path, cgroupPath: path, runtime: 'cgroup' }),
);

describe('unmatchedCgroups', () => {
  it('finds the patterns no container came from, whichever way the cgroup is written', () => {
    expect(
      unmatchedCgroups(
        [
          '/jobs/a',
          '/jobs/*',
          '/sys/fs/cgroup/jobs/b',
          '/sys/fs/cgroup/memory/jobs/b',
          '/system.slice/?.service',
          // The cgroup /jobs itself, not one of its children.
          '/jobs/',
          '/nonexistent',
          '/jobs/c*',
        ],
        containers,
        globMatches,
      ),
    ).toEqual(['/jobs/', '/nonexistent', '/jobs/c*']);
  });

  it('finds every pattern unmatched when no container has a cgroup', () => {
    expect(unmatchedCgroups(['/jobs/*'], [], globMatches)).toEqual(['/jobs/*']);
  });
});
