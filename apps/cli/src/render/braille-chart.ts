/**
 * A line chart drawn with braille characters: each cell holds 2 x 4 dots, so a chart of `width`
 * cells has 2 x width columns and 4 x height rows of dots. The values are spread over the whole
 * width (interpolated between points, or sampled when there are more points than columns) and
 * consecutive columns are joined, so a line reads as a line. Returns `height` lines.
 */
export function brailleChart(
  values: readonly (number | null)[],
  options: { width: number; height: number; min?: number; max?: number },
): string[] {
  const { width, height } = options;
  const cols = width * 2;
  const rows = height * 4;
  const points = spread(values, cols);
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
  const dot = (x: number, y: number) => {
    const row = cells[Math.floor(y / 4)];
    const col = Math.floor(x / 2);
    if (row && col < width)
      row[col] = (row[col] ?? 0) | bits[(x % 2) as 0 | 1][(y % 4) as 0 | 1 | 2 | 3];
  };
  const rowOf = (v: number) =>
    rows - 1 - Math.round(((Math.min(Math.max(v, min), max) - min) / (max - min)) * (rows - 1));
  let previous: number | null = null;
  points.forEach((v, x) => {
    if (v === null) {
      previous = null;
      return;
    }
    const y = rowOf(v);
    const from: number = previous ?? y;
    for (let yy = Math.min(from, y); yy <= Math.max(from, y); yy += 1) dot(x, yy);
    previous = y;
  });
  return cells.map((row) => row.map((b) => String.fromCharCode(0x2800 + b)).join(''));
}

/** `count` values over the series: sampled when longer, linearly interpolated when shorter. */
function spread(values: readonly (number | null)[], count: number): (number | null)[] {
  const clean = values.map((v) => (v === null || !Number.isFinite(v) ? null : v));
  if (clean.length === 0) return new Array<number | null>(count).fill(null);
  if (clean.length === 1) return new Array<number | null>(count).fill(clean[0] ?? null);
  return Array.from({ length: count }, (_, i) => {
    const at = (i * (clean.length - 1)) / (count - 1);
    const lo = Math.floor(at);
    const a = clean[lo] ?? null;
    const b = clean[Math.min(lo + 1, clean.length - 1)] ?? null;
    if (clean.length > count) return clean[Math.round(at)] ?? null;
    if (a === null || b === null) return a === null ? null : at === lo ? a : null;
    return a + (b - a) * (at - lo);
  });
}
