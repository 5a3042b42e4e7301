import { formatBytes, formatPercent, formatRate } from '@arcbox/perf-core';

/**
 * A metric value in the unit its field name says (SystemMetrics / ContainerMetrics naming):
 * `*Bps` bytes per second, `*Percent` percent, bytes for memory, swap and byte counters.
 */
export function formatField(field: string, value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '-';
  if (field.endsWith('Bps')) return formatRate(value);
  if (/Percent$|^cpu(User|Nice|System|Idle|Iowait|Steal|Irq)$|Pressure/.test(field))
    return formatPercent(value);
  if (/^(memory|swap)|Bytes$|^virtio(Blk|Net)\w*Bytes$/.test(field)) return formatBytes(value);
  if (/(Iops|Pps)$/.test(field)) return `${value.toFixed(1)}/s`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}
