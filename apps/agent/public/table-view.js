// A table the page refills on every sample: sorted by any column (a click on its header, again
// for the other way), filtered by a text box, and, past `virtualFrom` rows, virtualised: only the
// rows in sight of its scrolling box are in the DOM (500 containers stay fast), with spacer rows
// keeping the scrollbar true. A row keeps its element from one sample to the next and only the
// cells whose text changed are written (see dom.js); rows are moved only when the order changed.
import { $, noteRow, patchRow, placeRows } from './dom.js';
import { releaseSparks } from './sparkline.js';

const compare = (a, b) => {
  // Nothing measured sorts last whichever way.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(b);
};

/**
 * `sortKeys[i](row)` is column i's value to sort by (null: the column does not sort);
 * `cells(row)` the row's cell specs (dom.js); `filterText(row)` what the filter box matches
 * (case-insensitive).
 */
export function createTableView(tableId, options) {
  const { countId, empty, cells, sortKeys, filterId, filterText, virtualFrom = Infinity } = options;
  const table = $(tableId);
  const body = table.tBodies[0];
  const wrap = table.closest('.table-wrap');
  let sort = options.sort ?? null; // { column, descending }
  let rows = [];
  let shown = [];
  /** The element of each row by id, kept while the row is in `rows`. */
  const elements = new Map();
  // Measured once (reading a box forces a layout): a row's and the header's height.
  let rowHeight = 0;
  let headHeight = 0;
  let scheduled = false;

  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((th, column) => {
    if (!sortKeys[column]) return;
    th.classList.add('sortable');
    th.tabIndex = 0;
    const toggle = () => {
      sort = {
        column,
        descending: sort?.column === column ? !sort.descending : column !== 0 && column !== 1,
      };
      render();
    };
    th.addEventListener('click', toggle);
    th.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        toggle();
      }
    });
  });
  const filter = filterId ? $(filterId) : null;
  filter?.addEventListener('input', () => {
    if (wrap) wrap.scrollTop = 0;
    render();
  });
  wrap?.addEventListener('scroll', () => {
    if (shown.length < virtualFrom || scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      draw();
    });
  });
  window.addEventListener('resize', () => {
    rowHeight = 0;
  });

  const notes = new Map();
  const note = (text) => {
    if (!notes.has(text)) notes.set(text, noteRow(text, headers.length));
    return notes.get(text);
  };
  const spacers = [spacer(), spacer()];

  function spacer() {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    return tr;
  }

  function sized(tr, height) {
    const text = `${height}px`;
    if (tr.style.height !== text) tr.style.height = text;
    return tr;
  }

  const rowOf = (row) =>
    patchRow(elements.get(row.id) ?? document.createElement('tr'), row.id, cells(row));

  const setText = (el, text) => {
    if (el.textContent !== text) el.textContent = text;
  };

  function render() {
    const needle = filter?.value.trim().toLowerCase() ?? '';
    shown = needle === '' ? rows : rows.filter((r) => filterText(r).toLowerCase().includes(needle));
    if (sort) {
      const key = sortKeys[sort.column];
      const sign = sort.descending ? -1 : 1;
      shown = [...shown].sort((a, b) => {
        const ka = key(a);
        const kb = key(b);
        if (ka === null || ka === undefined || kb === null || kb === undefined)
          return compare(ka, kb);
        return sign * compare(ka, kb);
      });
    }
    headers.forEach((th, i) => {
      if (!sortKeys[i]) return;
      const value = sort?.column === i ? (sort.descending ? 'descending' : 'ascending') : 'none';
      if (th.getAttribute('aria-sort') !== value) th.setAttribute('aria-sort', value);
    });
    setText(
      $(countId),
      rows.length === 0
        ? ''
        : shown.length === rows.length
          ? `(${rows.length})`
          : `(${shown.length} of ${rows.length})`,
    );
    const count = String(shown.length);
    if (table.dataset.rows !== count) table.dataset.rows = count;
    draw();
  }

  function draw() {
    if (shown.length === 0) {
      placeRows(body, [note(rows.length === 0 ? empty : 'Nothing matches the filter')]);
      return;
    }
    if (shown.length < virtualFrom) {
      wrap?.classList.remove('virtual');
      placeRows(body, shown.map(keep));
      return;
    }
    wrap.classList.add('virtual');
    if (rowHeight === 0) {
      placeRows(body, [keep(shown[0])]);
      rowHeight = Math.max(20, body.rows[0].getBoundingClientRect().height);
      headHeight = table.tHead.getBoundingClientRect().height;
    }
    const first = Math.max(0, Math.floor((wrap.scrollTop - headHeight) / rowHeight) - 5);
    // 70vh at most (dashboard.css): the box's height without asking for a layout.
    const inView = Math.ceil((window.innerHeight * 0.7) / rowHeight);
    const last = Math.min(shown.length, first + inView + 10);
    placeRows(body, [
      sized(spacers[0], first * rowHeight),
      ...shown.slice(first, last).map(keep),
      sized(spacers[1], (shown.length - last) * rowHeight),
    ]);
  }

  function keep(row) {
    const tr = rowOf(row);
    elements.set(row.id, tr);
    return tr;
  }

  return {
    /** Shows `rows` (each with an `id`), sorted and filtered as chosen. */
    set(next) {
      rows = next;
      const ids = new Set(next.map((r) => r.id));
      for (const [id, tr] of elements)
        if (!ids.has(id)) {
          elements.delete(id);
          releaseSparks(tr);
        }
      render();
    },
    /** How many rows pass the filter, and how many are in the DOM. */
    counts: () => ({ rows: shown.length, rendered: body.querySelectorAll('tr[data-id]').length }),
  };
}
