/**
 * A line chart drawn with braille characters: each cell holds 2 x 4 dots, so a chart of `width`
 * cells shows 2 x width points at 4 x height vertical steps. Returns `height` lines.
 */
export function brailleChart(
  values: readonly (number | null)[],
  options: { width: number; height: number; min?: number; max?: number },
): string[] {
  const { width, height } = options;
  const cols = width * 2;
  const rows = height * 4;
  const points = resample(values, cols);
  const known = points.filter((v): v is number => v !== null);
  const min = options.min ?? Math.min(0, ...known);
  let max = options.max ?? Math.max(...known, min);
  if (max <= min) max = min + 1;
  // Braille dot bits by [x][y] within a cell (Unicode U+2800 block layout).
  const bits = [
    [0x01, 0x02, 0x04, 0x40],
    [0x08, 0x10, 0x20, 0x80],
  ] as const;
  const cells = Array.from({ length: height }, () => new Array<number>(width).fill(0));
  points.forEach((v, x) => {
    if (v === null) return;
    const y = rows - 1 - Math.round(((v - min) / (max - min)) * (rows - 1));
    const row = cells[Math.floor(y / 4)];
    if (row)
      row[Math.floor(x / 2)] =
        (row[Math.floor(x / 2)] ?? 0) | bits[(x % 2) as 0 | 1][(y % 4) as 0 | 1 | 2 | 3];
  });
  return cells.map((row) => row.map((b) => String.fromCharCode(0x2800 + b)).join(''));
}

/** Picks `count` points spread over the values (the last value kept), or all when fewer. */
function resample(values: readonly (number | null)[], count: number): (number | null)[] {
  const clean = values.map((v) => (v === null || !Number.isFinite(v) ? null : v));
  if (clean.length <= count) return clean;
  return Array.from(
    { length: count },
    (_, i) => clean[Math.round((i * (clean.length - 1)) / (count - 1))] ?? null,
  );
}
