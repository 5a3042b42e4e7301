const blocks = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * The last `width` values as block characters, scaled to `max` (or the largest value); a gap
 * where a value is unknown. Percentages pass max = 100 so the height means the same everywhere.
 */
export function sparkline(values: readonly (number | null)[], width: number, max?: number): string {
  const shown = values.slice(-width);
  const known = shown.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = max ?? Math.max(0, ...known);
  const chars = shown.map((v) => {
    if (v === null || !Number.isFinite(v)) return ' ';
    if (top <= 0) return blocks[0];
    const level = Math.round((Math.min(Math.max(v, 0), top) / top) * (blocks.length - 1));
    return blocks[level] ?? blocks[0];
  });
  return ' '.repeat(Math.max(0, width - chars.length)) + chars.join('');
}

/** A horizontal bar of `width` cells filled to `percent`. */
export function bar(percent: number | null, width: number): string {
  if (percent === null || !Number.isFinite(percent) || width <= 0)
    return ' '.repeat(Math.max(0, width));
  const filled = Math.round((Math.min(Math.max(percent, 0), 100) / 100) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
