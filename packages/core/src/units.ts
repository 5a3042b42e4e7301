import type { FieldUnit } from './kinds/kind-descriptor.js';

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

/** A value in its field unit for people: `12.5 %`, `1.5 GiB`, `2.0 MiB/s`, `340 ops/s`. */
export function formatValue(value: number | null | undefined, unit: FieldUnit): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  switch (unit) {
    case 'percent':
      return formatPercent(value);
    case 'bytes':
      return formatBytes(value);
    case 'bytes/s':
      return formatRate(value);
    case 'seconds':
      return `${value < 10 ? value.toFixed(2) : value.toFixed(0)} s`;
    case 'ops/s':
    case 'packets/s':
    case 'events/s':
      return `${value < 10 ? value.toFixed(1) : value.toFixed(0)} ${unit}`;
    case 'watts':
      return `${value.toFixed(0)} W`;
    case 'celsius':
      return `${value.toFixed(0)} °C`;
    case 'hertz':
      return `${(value / 1e6).toFixed(0)} MHz`;
    case 'cores':
      return `${value.toFixed(2)} cores`;
    case 'load':
      return value.toFixed(2);
    case 'count':
      return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(Math.max(value, min), max);
}
