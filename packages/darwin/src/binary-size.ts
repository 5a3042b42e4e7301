// sysctl (vm.swapusage) and top (PhysMem) print sizes as a decimal and a one-letter unit, both
// in powers of 1024.
const unitBytes: Record<string, number> = {
  B: 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
  P: 1024 ** 5,
};

/**
 * Bytes of a size printed as `digits` (`2048.00`, `13`) and `unit` (`M`; empty means bytes),
 * rounded to whole bytes; null for digits that are not a plain decimal, an unknown unit or a
 * size beyond 2^53.
 */
export function binarySizeBytes(digits: string, unit: string): number | null {
  const scale = unitBytes[unit === '' ? 'B' : unit];
  if (scale === undefined || !/^\d+(?:\.\d+)?$/.test(digits)) return null;
  const bytes = Math.round(Number(digits) * scale);
  return Number.isSafeInteger(bytes) ? bytes : null;
}
