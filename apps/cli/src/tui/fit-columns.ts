import { cellWidth, type TableColumn, truncate } from '../render/format-table.js';

/** A table column as the live view fits it to the terminal's width. */
export interface FitColumn<R> extends TableColumn<R> {
  /** How much the column is worth on a narrow terminal: the lowest goes first. */
  priority: number;
  /** A shorter form (`1.2K/3.4K` for `1.2 KiB/s / 3.4 KiB/s`), used before any column goes. */
  compact?: { header: string; value: (row: R) => string };
  /** A name column is shortened (with an ellipsis) to this before other columns change... */
  preferredWidth?: number;
  /** ...and down to this before the compact columns go. */
  minWidth?: number;
}

const GAP = 2;

/**
 * The columns that fit `width`, the least useful going first: names are shortened to their
 * `preferredWidth` (with an ellipsis); then from the lowest priority up each column switches to
 * its compact form or, without one, is left out; then names go down to their `minWidth`; then
 * compact columns go too. Room left over goes back to the names. So the figures people sort
 * and compare by stay on an 80-column terminal, and a wide one shows everything in full.
 */
export function fitColumns<R>(
  columns: readonly FitColumn<R>[],
  rows: readonly R[],
  width: number,
): TableColumn<R>[] {
  const natural = (c: TableColumn<R>) =>
    Math.max(
      cellWidth(c.header),
      ...rows.map((r) => cellWidth(truncate(c.value(r), c.maxWidth ?? 1000, c.cut))),
    );
  const cols = columns.map((c) => ({
    column: c as TableColumn<R>,
    fit: c,
    width: natural(c),
    full: natural(c),
  }));
  const total = () => cols.reduce((sum, c) => sum + c.width, 0) + GAP * (cols.length - 1);
  const fits = () => total() <= width;
  const names = cols.filter((c) => c.fit.minWidth !== undefined);
  const shortenNames = (to: (fit: FitColumn<R>) => number | undefined) => {
    for (const c of names) {
      const at = Math.max(to(c.fit) ?? c.width, cellWidth(c.column.header));
      if (c.width > at) {
        c.column = { ...c.column, maxWidth: at };
        c.width = natural(c.column);
      }
    }
  };
  const keep = (c: (typeof cols)[number]) => c.fit.priority === Number.POSITIVE_INFINITY;
  const byPriority = () => [...cols].sort((a, b) => a.fit.priority - b.fit.priority);

  if (!fits()) shortenNames((f) => f.preferredWidth ?? f.minWidth);
  for (const c of byPriority()) {
    if (fits()) break;
    if (keep(c)) continue;
    if (c.fit.compact) {
      c.column = { ...c.column, header: c.fit.compact.header, value: c.fit.compact.value };
      c.width = natural(c.column);
    } else cols.splice(cols.indexOf(c), 1);
  }
  if (!fits()) shortenNames((f) => f.minWidth);
  for (const c of byPriority()) {
    if (fits() || cols.length === 1) break;
    if (!keep(c)) cols.splice(cols.indexOf(c), 1);
  }
  for (const c of names) {
    const spare = width - total();
    if (spare > 0 && c.width < c.full) {
      c.column = { ...c.column, maxWidth: Math.min(c.full, c.width + spare) };
      c.width = natural(c.column);
    }
  }
  return cols.map((c) => c.column);
}

/** `1.2K`: bytes in at most four or five cells, for compact columns. */
export function compactBytes(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '-';
  const units = ['B', 'K', 'M', 'G', 'T', 'P'] as const;
  let n = Math.max(0, v);
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i += 1;
  }
  return `${i > 0 && n < 10 ? n.toFixed(1) : Math.round(n)}${units[i]}`;
}

/** `1.2K/3.4K`: two rates (or sizes) of one column, compactly. */
export function compactPair(a: number | null, b: number | null): string {
  return `${compactBytes(a)}/${compactBytes(b)}`;
}
