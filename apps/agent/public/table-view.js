// A table the page refills on every sample: sorted by any column (a click on its header, again
// for the other way), filtered by a text box, and, past `virtualFrom` rows, virtualised: only the
// rows in sight of its scrolling box are in the DOM (500 containers stay fast), with spacer rows
// keeping the scrollbar true.
import { $ } from './dom.js';

const compare = (a, b) => {
  // Nothing measured sorts last whichever way.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(b);
};

/**
 * `sortKeys[i](row)` is column i's value to sort by (null: the column does not sort);
 * `cells(row)` the row's cells; `filterText(row)` what the filter box matches (case-insensitive).
 */
export function createTableView(tableId, options) {
  const { countId, empty, cells, sortKeys, filterId, filterText, virtualFrom = Infinity } = options;
  const table = $(tableId);
  const body = table.tBodies[0];
  const wrap = table.closest('.table-wrap');
  let sort = options.sort ?? null; // { column, descending }
  let rows = [];
  let shown = [];
  let rowHeight = 0;
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

  function note(text) {
    const tr = document.createElement('tr');
    tr.className = 'none';
    const td = document.createElement('td');
    td.colSpan = headers.length;
    td.textContent = text;
    tr.append(td);
    return tr;
  }

  function spacer(height) {
    const tr = document.createElement('tr');
    tr.className = 'spacer';
    tr.style.height = `${height}px`;
    return tr;
  }

  function rowOf(row) {
    const tr = document.createElement('tr');
    tr.dataset.id = row.id;
    tr.append(...cells(row));
    return tr;
  }

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
      if (sortKeys[i])
        th.setAttribute(
          'aria-sort',
          sort?.column === i ? (sort.descending ? 'descending' : 'ascending') : 'none',
        );
    });
    $(countId).textContent =
      rows.length === 0
        ? ''
        : shown.length === rows.length
          ? `(${rows.length})`
          : `(${shown.length} of ${rows.length})`;
    table.dataset.rows = String(shown.length);
    draw();
  }

  function draw() {
    if (shown.length === 0) {
      body.replaceChildren(note(rows.length === 0 ? empty : 'Nothing matches the filter'));
      return;
    }
    if (shown.length < virtualFrom) {
      wrap?.classList.remove('virtual');
      body.replaceChildren(...shown.map(rowOf));
      return;
    }
    wrap.classList.add('virtual');
    if (rowHeight === 0) {
      body.replaceChildren(rowOf(shown[0]));
      rowHeight = Math.max(20, body.rows[0].getBoundingClientRect().height);
    }
    const head = table.tHead.getBoundingClientRect().height;
    const first = Math.max(0, Math.floor((wrap.scrollTop - head) / rowHeight) - 5);
    const last = Math.min(shown.length, first + Math.ceil(wrap.clientHeight / rowHeight) + 10);
    body.replaceChildren(
      spacer(first * rowHeight),
      ...shown.slice(first, last).map(rowOf),
      spacer((shown.length - last) * rowHeight),
    );
  }

  return {
    /** Shows `rows` (each with an `id`), sorted and filtered as chosen. */
    set(next) {
      rows = next;
      render();
    },
    /** How many rows pass the filter, and how many are in the DOM. */
    counts: () => ({ rows: shown.length, rendered: body.querySelectorAll('tr[data-id]').length }),
  };
}
