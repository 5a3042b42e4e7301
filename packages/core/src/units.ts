export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;
/** /proc/diskstats counts 512-byte sectors whatever the device's own sector size. */
export const DISKSTATS_SECTOR_BYTES = 512;

const byteUnits = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** `1536` -> `1.5 KiB`; `null` -> `-`. */
export function formatBytes(bytes: number | null | undefined, digits = 1): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const sign = bytes < 0 ? '-' : '';
  return `${sign}${unit === 0 ? value.toFixed(0) : value.toFixed(digits)} ${byteUnits[unit]}`;
}

/** `2048` -> `2.0 KiB/s`. */
export function formatRate(bytesPerSecond: number | null | undefined, digits = 1): string {
  const text = formatBytes(bytesPerSecond, digits);
  return text === '-' ? text : `${text}/s`;
}

export function formatPercent(percent: number | null | undefined, digits = 1): string {
  if (percent === null || percent === undefined || !Number.isFinite(percent)) return '-';
  return `${percent.toFixed(digits)} %`;
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
