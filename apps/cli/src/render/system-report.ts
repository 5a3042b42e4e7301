import { formatBytes, formatPercent, formatRate, type SystemMetrics } from '@arcbox/perf-core';
import type { Colors } from '../cli-context.js';
import { formatTable } from './format-table.js';

const num = (v: number | null, digits = 2) => (v === null ? '-' : v.toFixed(digits));
const perSecond = (v: number | null) => (v === null ? '-' : `${v.toFixed(1)}/s`);

/** The readable report `snapshot` prints: one section per resource. */
export function formatSystemReport(m: SystemMetrics, c: Colors): string[] {
  const head = (text: string) => c.bold(text);
  const lines: string[] = [];
  const when = new Date(m.timestamp).toISOString();
  const over =
    m.intervalMs === null
      ? 'first reading, no rates'
      : `rates over ${(m.intervalMs / 1000).toFixed(2)} s`;
  lines.push(`${head('arcbox-perf snapshot')}  ${m.platform}  ${when}  (${over})`);
  lines.push('');
  lines.push(
    `${head('CPU')}     ${formatPercent(m.cpuPercent)} of ${m.cpuCount} cores   user ${formatPercent(m.cpuUser)}  system ${formatPercent(m.cpuSystem)}  iowait ${formatPercent(m.cpuIowait)}  steal ${formatPercent(m.cpuSteal)}  irq ${formatPercent(m.cpuIrq)}`,
  );
  if (m.cpuPerCore.length > 0) {
    lines.push(
      `        per core: ${m.cpuPerCore.map((core) => `cpu${core.id} ${formatPercent(core.percent)}`).join('  ')}`,
    );
  }
  lines.push(`${head('Load')}    ${num(m.load1)} ${num(m.load5)} ${num(m.load15)}`);
  const estimated = m.memoryAvailableEstimated ? ' (estimated)' : '';
  lines.push(
    `${head('Memory')}  used ${formatBytes(m.memoryUsed)} of ${formatBytes(m.memoryTotal)} (${formatPercent(m.memoryPercent)})  available ${formatBytes(m.memoryAvailable)}${estimated}  cached ${formatBytes(m.memoryCached)}`,
  );
  lines.push(`${head('Swap')}    used ${formatBytes(m.swapUsed)} of ${formatBytes(m.swapTotal)}`);
  if (
    m.cpuPressure !== null ||
    m.memoryPressure !== null ||
    m.ioPressure !== null ||
    m.memoryPressureLevel !== null
  ) {
    const level = m.memoryPressureLevel === null ? '' : `  level ${m.memoryPressureLevel}`;
    lines.push(
      `${head('Pressure')} cpu ${formatPercent(m.cpuPressure)}  memory ${formatPercent(m.memoryPressure)} (full ${formatPercent(m.memoryPressureFull)})  io ${formatPercent(m.ioPressure)}${level}`,
    );
  }
  lines.push(
    `${head('Disk')}    read ${formatRate(m.diskReadBps)} (${perSecond(m.diskReadIops)})  write ${formatRate(m.diskWriteBps)} (${perSecond(m.diskWriteIops)})`,
  );
  lines.push(
    `${head('Network')} rx ${formatRate(m.netRxBps)} (${perSecond(m.netRxPps)} pkts)  tx ${formatRate(m.netTxBps)} (${perSecond(m.netTxPps)} pkts)`,
  );
  // Idle loop/ram devices (a snap host has dozens) say nothing; the JSON still lists them all.
  const disks = m.disks.filter(
    (d) => d.kind !== 'virtual' || (d.readBytes ?? 0) + (d.writeBytes ?? 0) > 0,
  );
  if (disks.length > 0) {
    lines.push('', head('Disks'));
    lines.push(
      ...formatTable(
        [
          { header: 'DEVICE', value: (d) => d.name },
          { header: 'KIND', value: (d) => d.kind },
          { header: 'TOTAL', value: (d) => (d.countedInTotal ? 'yes' : 'no') },
          { header: 'READ', value: (d) => formatRate(d.readBps), align: 'right' },
          { header: 'WRITE', value: (d) => formatRate(d.writeBps), align: 'right' },
          { header: 'R IOPS', value: (d) => num(d.readIops, 1), align: 'right' },
          { header: 'W IOPS', value: (d) => num(d.writeIops, 1), align: 'right' },
          { header: 'BUSY', value: (d) => formatPercent(d.busyPercent), align: 'right' },
        ],
        disks,
      ).map((l) => `  ${l}`),
    );
  }
  if (m.interfaces.length > 0) {
    lines.push('', head('Interfaces'));
    lines.push(
      ...formatTable(
        [
          { header: 'NAME', value: (i) => i.name, maxWidth: 24 },
          {
            header: 'TYPE',
            value: (i) => (i.loopback ? 'loopback' : i.virtual ? 'virtual' : 'physical'),
          },
          { header: 'TOTAL', value: (i) => (i.countedInTotal ? 'yes' : 'no') },
          { header: 'RX', value: (i) => formatRate(i.rxBps), align: 'right' },
          { header: 'TX', value: (i) => formatRate(i.txBps), align: 'right' },
          { header: 'RX PKT/S', value: (i) => num(i.rxPps, 1), align: 'right' },
          { header: 'TX PKT/S', value: (i) => num(i.txPps, 1), align: 'right' },
        ],
        m.interfaces,
      ).map((l) => `  ${l}`),
    );
  }
  for (const p of m.problems) lines.push(c.yellow(`note: ${p.source}: ${p.message}`));
  return lines;
}
