// Small DOM builders the dashboard's pages share: cells, links, fact lists, table rows. A cell is
// a value ({ text, num } from `cell`, { text, href } from `linkCell`, or one with its own
// `make()` and `patch(td)`), so a table refilled every second changes only the text that
// changed, in place, rather than building its rows again (new elements every round cost layout,
// paint and garbage collection for nothing).

export const $ = (id) => document.getElementById(id);

export const cell = (text, num) => ({ text: String(text), num: Boolean(num) });

export const linkCell = (text, href) => ({ text: String(text), href });

export const span = (className, text) => {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
};

/** A <td> showing `spec`. */
export function makeCell(spec) {
  if (spec.make) return spec.make();
  const td = document.createElement('td');
  if (spec.num) td.className = 'num';
  if (spec.href === undefined) td.textContent = spec.text;
  else {
    const a = document.createElement('a');
    a.href = spec.href;
    a.textContent = spec.text;
    td.append(a);
  }
  return td;
}

/** Makes `td` (made by `makeCell` from a spec of the same shape) show `spec`; writes only changes. */
export function patchCell(td, spec) {
  if (spec.patch) {
    spec.patch(td);
    return;
  }
  const target = spec.href === undefined ? td : td.firstChild;
  if (target.textContent !== spec.text) target.textContent = spec.text;
  if (spec.href !== undefined && target.getAttribute('href') !== spec.href)
    target.setAttribute('href', spec.href);
}

/** A row `id` of `specs`: `tr` made again only when it has another number of cells. */
export function patchRow(tr, id, specs) {
  if (tr.dataset.id !== id) tr.dataset.id = id;
  if (tr.cells.length !== specs.length) {
    tr.replaceChildren(...specs.map(makeCell));
    return tr;
  }
  specs.forEach((spec, i) => {
    patchCell(tr.cells[i], spec);
  });
  return tr;
}

/** A row standing for no data ("No containers"), spanning the table. */
export function noteRow(text, span) {
  const tr = document.createElement('tr');
  tr.className = 'none';
  const td = document.createElement('td');
  td.colSpan = span;
  td.textContent = text;
  tr.append(td);
  return tr;
}

/** Puts `rows` in `body` in that order, touching it only when they are not there already. */
export function placeRows(body, rows) {
  const current = body.children;
  if (current.length === rows.length && rows.every((tr, i) => current[i] === tr)) return;
  body.replaceChildren(...rows);
}

export function renderFacts(dl, facts) {
  // Refilled every sample on a page: the same facts keep their elements.
  const same =
    dl.children.length === facts.length &&
    facts.every(([k], i) => dl.children[i].firstChild.textContent === k);
  if (!same) {
    dl.replaceChildren(
      ...facts.map(([k]) => {
        const div = document.createElement('div');
        const dt = document.createElement('dt');
        dt.textContent = k;
        const dd = document.createElement('dd');
        dd.dataset.fact = k;
        div.append(dt, dd);
        return div;
      }),
    );
  }
  facts.forEach(([, v], i) => {
    const dd = dl.children[i].lastChild;
    const text = String(v);
    if (dd.textContent !== text) dd.textContent = text;
  });
}
