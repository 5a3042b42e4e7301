// Small DOM builders the dashboard's pages share: cells, links, fact lists and tables.

export const $ = (id) => document.getElementById(id);

export function cell(text, num) {
  const td = document.createElement('td');
  td.textContent = text;
  if (num) td.className = 'num';
  return td;
}

export function linkCell(text, href) {
  const td = document.createElement('td');
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  td.append(a);
  return td;
}

export const span = (className, text) => {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
};

export function renderFacts(dl, facts) {
  dl.replaceChildren();
  for (const [k, v] of facts) {
    const div = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dd.dataset.fact = k;
    div.append(dt, dd);
    dl.append(div);
  }
}

export function fillTable(tableId, countId, rows, empty, columns) {
  const body = $(tableId).tBodies[0];
  body.replaceChildren();
  $(countId).textContent = rows.length > 0 ? `(${rows.length})` : '';
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    tr.className = 'none';
    const td = document.createElement('td');
    td.colSpan = $(tableId).tHead.rows[0].cells.length;
    td.textContent = empty;
    tr.append(td);
    body.append(tr);
    return;
  }
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.dataset.id = row.id;
    tr.append(...columns(row));
    body.append(tr);
  }
}
