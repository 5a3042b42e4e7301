import { describe, expect, it } from 'vitest';
import { readDarwinSysctl } from './darwin-sysctl.js';
import { parseSwapUsage, parseSysctl, parseSysctlLoadavg, sysctlInteger } from './parse-sysctl.js';
import { fixture } from './test-support.js';

describe('parseSysctl on real dumps', () => {
  it('M1 Pro, macOS 14.4.1 (`sysctl hw machdep kern` + hw.model)', () => {
    const values = parseSysctl(
      fixture('macos/ansible/sysctl_a_darwin_silicon_m1pro_macos14.4.1.txt'),
    );
    expect(values.get('hw.model')).toBe('MacBookPro18,1');
    expect(values.get('kern.osproductversion')).toBe('14.4.1');
    expect(sysctlInteger(values, 'hw.perflevel0.logicalcpu')).toBe(8);
    expect(sysctlInteger(values, 'hw.memsize_usable')).toBe(33689255936);
    expect(readDarwinSysctl(values)).toEqual({
      memsize: 34359738368,
      pagesize: 16384,
      ncpu: 10,
      swap: null,
      pressureLevel: null,
      missing: ['vm.swapusage', 'kern.memorystatus_vm_pressure_level'],
    });
  });

  it('Intel i7-4980HQ (`sysctl hw machdep` subset)', () => {
    const values = parseSysctl(fixture('macos/ohai/sysctl_hw_machdep_intel_i7-4980HQ.txt'));
    expect(readDarwinSysctl(values)).toMatchObject({
      memsize: 17179869184,
      pagesize: 4096,
      ncpu: 8,
    });
    expect(sysctlInteger(values, 'hw.cpufrequency')).toBe(2800000000);
    expect(sysctlInteger(values, 'hw.physicalcpu')).toBe(4);
  });

  it('macOS 10.14.6 full `sysctl -a`: swap, loadavg, and multi-line values', () => {
    const text = fixture('macos/jc/sysctl-a_osx-10.14.6.out');
    const values = parseSysctl(text);
    expect(readDarwinSysctl(values)).toEqual({
      memsize: 17179869184,
      pagesize: 4096,
      ncpu: 8,
      swap: {
        total: 3072 * 1024 ** 2,
        used: 2513.5 * 1024 ** 2,
        free: 558.5 * 1024 ** 2,
        encrypted: true,
      },
      pressureLevel: null,
      missing: ['kern.memorystatus_vm_pressure_level'],
    });
    expect(parseSysctlLoadavg(values.get('vm.loadavg'))).toEqual({
      load1: 2.57,
      load5: 2.41,
      load15: 2.24,
    });
    expect(values.get('kern.osproductversion')).toBe('10.14.6');
    // Every line starts a name except the blank line that ends kern.bootsignature's value.
    expect(values.size).toBe(text.split('\n').filter((l) => /^[a-z]/.test(l)).length);
    expect(values.get('kern.bootsignature')).toBe('13bf6a6a9d014193bb512d34ea9c4a65f819d832');
    expect(values.get('kern.hibernatemode')).toBe('0');
    expect(values.get('user.cs_path')).toBe('/usr/bin:/bin:/usr/sbin:/sbin');
  });

  it('partial `sysctl vm` with double-spaced swap fields', () => {
    const values = parseSysctl(fixture('macos/ansible/sysctl_vm_partial_macos.txt'));
    expect(parseSwapUsage(values.get('vm.swapusage'))).toEqual({
      total: 2147483648,
      used: 1066926080,
      free: 1080557568,
      encrypted: true,
    });
    expect(parseSysctlLoadavg(values.get('vm.loadavg'))).toEqual({
      load1: 1.28,
      load5: 1.18,
      load15: 1.13,
    });
    expect(sysctlInteger(values, 'vm.global_user_wire_limit')).toBe(3006477107);
    expect(values.size).toBe(14);
  });

  it('a 2012 `net.*` dump', () => {
    const text = fixture('macos/ohai/sysctl_net.txt');
    const values = parseSysctl(text);
    expect(values.size).toBe(text.split('\n').filter((l) => l.startsWith('net.')).length);
    expect(readDarwinSysctl(values).missing).toHaveLength(5);
  });

  it('`sysctl -n hw.memsize` has no names, so nothing is taken by position', () => {
    const values = parseSysctl(fixture('macos/ohai/sysctl_n_hw.memsize.txt'));
    expect(values.size).toBe(0);
    expect(readDarwinSysctl(values).memsize).toBeNull();
  });
});

describe('sysctl values', () => {
  it('maps the memory pressure flag 1/2/4 to normal/warn/critical', () => {
    const level = (v: string) =>
      readDarwinSysctl(parseSysctl(`kern.memorystatus_vm_pressure_level: ${v}\n`)).pressureLevel;
    expect([level('1'), level('2'), level('4'), level('3'), level('x')]).toEqual([
      'normal',
      'warn',
      'critical',
      null,
      null,
    ]);
  });

  it('reads swap in any unit sysctl prints and refuses a partial one', () => {
    expect(parseSwapUsage('total = 1.00G  used = 512.00M  free = 0.50G')).toEqual({
      total: 1073741824,
      used: 536870912,
      free: 536870912,
      encrypted: false,
    });
    expect(parseSwapUsage('total = 1.00G')).toBeNull();
  });

  it('appends a continuation line to the value before it, never to a new name', () => {
    const values = parseSysctl('kern.version: Darwin\n  more text: 12\nhw.ncpu: 4\n');
    expect(values.get('kern.version')).toBe('Darwin\n  more text: 12');
    expect(sysctlInteger(values, 'hw.ncpu')).toBe(4);
  });
});

describe('sysctl values that are not counts', () => {
  it('a load average past 2^53 (or Infinity) is no load; an implausible hw.pagesize is null (constructed)', () => {
    expect(parseSysctlLoadavg(`{ ${'9'.repeat(400)} 1.00 1.00 }`)).toBeNull();
    expect(parseSysctlLoadavg('{ 99999999999999999999.5 1.00 1.00 }')).toBeNull();
    expect(parseSysctlLoadavg('{ 1.28 1.18 1.13 }')).toEqual({
      load1: 1.28,
      load5: 1.18,
      load15: 1.13,
    });
    for (const size of ['3', '0', '-4096', '4097', '2097152'])
      expect(readDarwinSysctl(parseSysctl(`hw.pagesize: ${size}\n`)).pagesize).toBeNull();
    expect(readDarwinSysctl(parseSysctl('hw.pagesize: 16384\n')).pagesize).toBe(16384);
  });
});
