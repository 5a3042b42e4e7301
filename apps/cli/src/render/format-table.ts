export interface TableColumn<R> {
  header: string;
  value: (row: R) => string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  /** Longest a cell may be; longer text is cut with an ellipsis. */
  maxWidth?: number;
  /** Where a long cell is cut: paths keep their distinctive end (`…/session-3.scope`). */
  cut?: 'end' | 'start';
}

/** Visible length in terminal cells, counting code points (our text has no wide characters). */
export function cellWidth(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** Cuts to `width` cells, with '…' where something was cut (the end, or with 'start' the start). */
export function truncate(text: string, width: number, cut: 'end' | 'start' = 'end'): string {
  if (width <= 0) return '';
  if (cellWidth(text) <= width) return text;
  const chars = [...text];
  return cut === 'start'
    ? `…${chars.slice(chars.length - (width - 1)).join('')}`
    : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

export function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const room = ' '.repeat(Math.max(0, width - cellWidth(cut)));
  return align === 'right' ? room + cut : cut + room;
}

/** Lays rows out in aligned columns separated by two spaces; no escape codes. */
export function formatTable<R>(columns: readonly TableColumn<R>[], rows: readonly R[]): string[] {
  const cells = rows.map((row) =>
    columns.map((c) => truncate(c.value(row), c.maxWidth ?? 1000, c.cut)),
  );
  const widths = columns.map((c, i) =>
    Math.max(cellWidth(c.header), ...cells.map((r) => cellWidth(r[i] ?? ''))),
  );
  const line = (values: readonly string[]) =>
    columns
      .map((c, i) => pad(values[i] ?? '', widths[i] ?? 0, c.align))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...cells.map(line)];
}
