// Keeps the server-rendered alert feed (#alert-feed) current: joins the run's hub group when the feed
// belongs to a run (data-run), else the alerts group, and applies AlertChanged messages by alert id.
import { connectHub } from './live.js';

const feed = document.getElementById('alert-feed');

function text(v) {
  return v === null || v === undefined ? '' : String(v);
}

function num(v) {
  if (v === null || v === undefined) return '';
  return String(Math.round(v * 1000) / 1000);
}

function time(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
}

function cell(row, content, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  if (content instanceof Node) td.appendChild(content); else td.textContent = text(content);
  row.appendChild(td);
  return td;
}

function badge(kind, value) {
  const span = document.createElement('span');
  span.className = `alert-badge ${kind}-${value}`;
  span.textContent = value;
  return span;
}

function timeElement(iso) {
  if (!iso) return '';
  const t = document.createElement('time');
  t.dateTime = iso;
  t.textContent = time(iso);
  return t;
}

function render(alert, showRun) {
  const row = document.createElement('tr');
  row.dataset.id = alert.id;
  row.dataset.state = alert.state;
  row.dataset.rule = alert.rule;
  row.className = `alert-row state-${alert.state}`;
  cell(row, badge('state', alert.state));
  cell(row, badge('severity', alert.severity));
  cell(row, alert.rule, 'rule');
  if (showRun) {
    if (alert.run) {
      const a = document.createElement('a');
      a.href = `runs/${encodeURIComponent(alert.run)}`;
      a.textContent = alert.run;
      cell(row, a);
    } else {
      cell(row, '');
    }
  }
  cell(row, alert.message, 'message');
  cell(row, num(alert.value), 'num');
  cell(row, num(alert.threshold), 'num');
  cell(row, timeElement(alert.started_at));
  cell(row, timeElement(alert.resolved_at));
  const template = document.getElementById('alert-resolve-template');
  if (template) {
    // Admins get the server-rendered form (with its antiforgery token) for external alerts still firing.
    const resolvable = alert.state === 'firing' && alert.rule.startsWith('external');
    let form = '';
    if (resolvable) {
      form = template.content.firstElementChild.cloneNode(true);
      form.action = `/alerts/${encodeURIComponent(alert.id)}/resolve`;
    }
    cell(row, form);
  }
  return row;
}

function apply(alert) {
  const run = feed.dataset.run || null;
  if (run && alert.run !== run) return;
  const body = feed.querySelector('tbody');
  const existing = body.querySelector(`tr[data-id="${alert.id}"]`);
  if (alert.state === 'inactive') {
    existing?.remove();
  } else {
    const row = render(alert, !run);
    if (existing) existing.replaceWith(row); else body.prepend(row);
    const limit = Number(feed.dataset.limit || 200);
    while (body.rows.length > limit) body.deleteRow(body.rows.length - 1);
  }
  feed.querySelector('.alert-empty').hidden = body.rows.length > 0;
  feed.querySelector('table').hidden = body.rows.length === 0;
  const firing = document.getElementById('firing-count');
  if (firing) firing.textContent = String(body.querySelectorAll('tr[data-state=firing]').length);
  feed.dispatchEvent(new CustomEvent('alertchanged', { detail: alert }));
}

if (feed) {
  const run = feed.dataset.run || null;
  const connection = connectHub(async c => {
    if (run) await c.invoke('SubscribeRun', run); else await c.invoke('SubscribeAlerts');
  });
  connection.on('AlertChanged', apply);
}
