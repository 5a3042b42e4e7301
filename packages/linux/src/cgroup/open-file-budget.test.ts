import { describe, expect, it } from 'vitest';
import { MAX_KEPT_DESCRIPTORS, openFileBudget, RESERVED_DESCRIPTORS } from './open-file-budget.js';

// Constructed /proc/self/limits lines in the kernel's layout.
const limits = (soft: string, hard: string) =>
  `Limit                     Soft Limit           Hard Limit           Units     \nMax open files            ${soft.padEnd(21)}${hard.padEnd(21)}files     \n`;

describe('openFileBudget', () => {
  it('keeps the soft limit less a reserve, at least half of it, capped', () => {
    expect(openFileBudget(limits('1024', '524288'))).toBe(512);
    expect(openFileBudget(limits('8192', '8192'))).toBe(4096);
    expect(openFileBudget(limits('20000', '20000'))).toBe(20000 - RESERVED_DESCRIPTORS);
    expect(openFileBudget(limits('1048576', '1048576'))).toBe(MAX_KEPT_DESCRIPTORS);
    expect(openFileBudget(limits('unlimited', 'unlimited'))).toBe(MAX_KEPT_DESCRIPTORS);
  });

  it('falls back to a small budget when the limit is unknown', () => {
    expect(openFileBudget('nothing here')).toBe(512);
  });

  it('reads this process', () => {
    const n = openFileBudget();
    expect(n).toBeGreaterThanOrEqual(16);
    expect(n).toBeLessThanOrEqual(MAX_KEPT_DESCRIPTORS);
  });
});
