// Alerts as people read them, from the alert's own fields (units from the kind's field).
import { span } from './dom.js';
import { age } from './format.js';

// One alert as people read it, from the alert's own fields (units from the kind's field):
// severity · rule · series · field · value (unit) · comparison thresholds · how long; the
// rule's description under it.
export function alertItem(a) {
  const li = document.createElement('li');
  li.className = `${a.severity} ${a.state}`;
  li.dataset.rule = a.rule;
  li.dataset.severity = a.severity;
  li.dataset.state = a.state;
  li.dataset.series = a.series;
  const levels = [
    a.text.warn === null ? null : `warn ${a.text.warn}`,
    a.text.crit === null ? null : `crit ${a.text.crit}`,
  ]
    .filter((x) => x !== null)
    .join(' / ');
  const when = whenOf(a);
  const line = document.createElement('div');
  line.className = 'alert-line';
  line.append(
    span('alert-severity', a.severity),
    span('alert-rule', a.rule),
    span('alert-series', a.name),
    span('alert-field', a.field),
    span('alert-value', a.text.value),
    span('alert-threshold', `${a.comparison} ${levels}`),
    span('alert-age', when),
  );
  li.append(line);
  if (a.description) li.append(span('alert-description', a.description));
  li.title = `${a.message} (since ${new Date(a.since).toLocaleString()})`;
  return li;
}

/** What each list shows now, so asking again every 2 s changes the DOM only when it differs. */
const shown = new WeakMap();

const whenOf = (a) =>
  a.state === 'resolved'
    ? `resolved ${age(Date.now() - a.since)} ago`
    : `${a.state} for ${age(Date.now() - a.since)}`;

export function renderAlerts(list, alerts, empty) {
  const signature = JSON.stringify([empty, alerts, alerts.map(whenOf)]);
  if (shown.get(list) === signature) return;
  shown.set(list, signature);
  list.replaceChildren();
  if (alerts.length === 0) {
    const li = document.createElement('li');
    li.className = 'none';
    li.textContent = empty;
    list.append(li);
    return;
  }
  list.append(...alerts.map(alertItem));
}
