// Run page: draws the server-computed series, follows live pushes, and keeps the time-range form usable.
// The server renders every number and table; on a push this module refetches the page for the current
// range (at most once a second), swaps the changed sections and hands the fresh series to the charts.
import { connectHub } from './live.js';
import { lineChart, histogramChart, followTheme, coalesce, refreshSections, fmtPct, fmtCount, fmtSeconds, fmtNumber } from './charts.js';

const MaxLogRows = 200;
const root = document.getElementById('run-page');
const run = root.dataset.run;
const encodedRun = encodeURIComponent(run);
let data = JSON.parse(document.getElementById('run-data').textContent);
const charts = new Map();

// key -> how to draw it from the page data.
const chartDefs = {
  success: { make: (el, d) => lineChart(el, d.success_series, { yTitle: 'Share of generations', yFormat: fmtPct, yMin: 0, yMax: 1 }), series: d => d.success_series },
  tokens: { make: (el, d) => lineChart(el, d.token_series, { yTitle: 'Tokens per generation', yFormat: fmtCount }), series: d => d.token_series },
  evaluation_scores: { make: (el, d) => lineChart(el, d.evaluation_series, { yTitle: 'Score', yFormat: fmtNumber }), series: d => d.evaluation_series },
  generation_time: { make: (el, d) => histogramChart(el, d.generation_time.bins, { xTitle: 'Generation time (bin start; hover for the range)', xFormat: fmtSeconds }), series: d => d.generation_time.bins },
  evaluation_time: { make: (el, d) => histogramChart(el, d.evaluation_time.bins, { xTitle: 'Evaluation time (bin start; hover for the range)', xFormat: fmtSeconds }), series: d => d.evaluation_time.bins },
  conversation_length: { make: (el, d) => histogramChart(el, d.conversation_length.bins, { xTitle: 'Messages per conversation', xFormat: fmtNumber }), series: d => d.conversation_length.bins },
};

function drawCharts() {
  for (const [key, def] of Object.entries(chartDefs)) {
    const el = root.querySelector(`[data-chart="${key}"]`);
    const existing = charts.get(key);
    if (existing && existing.el === el) {
      existing.update(def.series(data));
      continue;
    }
    existing?.chart.destroy();
    charts.delete(key);
    if (el) charts.set(key, def.make(el, data));
  }
}

// Metric explorer: any metric as a rolling mean over its raw points, computed by the server.
const explorerEl = root.querySelector('[data-chart="explorer"]');
const metricSelect = document.getElementById('explorer-metric');
const rollingInput = document.getElementById('explorer-rolling');
let explorer = null;
async function drawExplorer() {
  if (!explorerEl || !metricSelect) return;
  const rolling = Math.min(1000, Math.max(1, parseInt(rollingInput.value, 10) || 10));
  const name = metricSelect.value;
  const url = `api/v1/runs/${encodedRun}/rolling?name=${encodeURIComponent(name)}&rolling=${rolling}&${root.dataset.rangeQuery}`;
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) return;
  const body = await response.json();
  const series = [{ label: `${body.name} (rolling mean of ${body.rolling}, ${fmtCount(body.count)} points)`, points: body.points }];
  if (explorer) explorer.update(series);
  else explorer = lineChart(explorerEl, series, { yTitle: 'Value as recorded', yFormat: fmtNumber });
}
metricSelect?.addEventListener('change', drawExplorer);
rollingInput?.addEventListener('change', drawExplorer);

function addNewMetrics() {
  if (!metricSelect) return;
  const known = new Set([...metricSelect.options].map(o => o.value));
  for (const name of data.metrics) {
    if (!known.has(name)) metricSelect.add(new Option(name, name));
  }
}

// Time range: presets apply at once; custom shows the from/to fields.
const rangeForm = document.getElementById('range-form');
const rangeSelect = document.getElementById('range-select');
const customFields = rangeForm.querySelectorAll('.custom-only');
const showCustom = () => customFields.forEach(f => { f.hidden = rangeSelect.value !== 'custom'; });
showCustom();
rangeSelect.addEventListener('change', () => {
  showCustom();
  if (rangeSelect.value !== 'custom') rangeForm.requestSubmit();
});
rangeForm.addEventListener('submit', () => {
  if (rangeSelect.value !== 'custom') customFields.forEach(f => { f.querySelector('input').disabled = true; });
});
const follow = document.getElementById('follow-live');

// Logs: level filter in the query string (the server filters on refresh), new lines prepended live.
const levelSelect = document.getElementById('log-level');
levelSelect.addEventListener('change', () => {
  const url = new URL(location.href);
  if (levelSelect.value) url.searchParams.set('level', levelSelect.value); else url.searchParams.delete('level');
  history.replaceState(null, '', url);
  refresh();
});
function appendLogs(lines) {
  const body = document.getElementById('logs-body');
  if (!body) return;
  const level = levelSelect.value;
  for (const line of lines) {
    if (level && line.level !== level) continue;
    const row = document.createElement('tr');
    row.dataset.level = line.level;
    const time = document.createElement('td');
    time.className = 'nowrap';
    time.textContent = new Date(line.timestamp).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    const badge = document.createElement('span');
    badge.className = `badge level-${line.level}`;
    badge.textContent = line.level;
    const levelCell = document.createElement('td');
    levelCell.append(badge);
    const message = document.createElement('td');
    message.className = 'wrap';
    message.textContent = line.message;
    row.append(time, levelCell, message);
    body.prepend(row);
  }
  while (body.rows.length > MaxLogRows) body.deleteRow(body.rows.length - 1);
  document.getElementById('logs-empty')?.toggleAttribute('hidden', body.rows.length > 0);
}

const refresh = coalesce(async () => {
  const doc = await refreshSections(location.pathname + location.search);
  const fresh = doc.getElementById('run-data');
  if (!fresh) return;
  data = JSON.parse(fresh.textContent);
  drawCharts();
  addNewMetrics();
  await drawExplorer();
  root.dataset.updated = String(Date.now());
}, 1000);

drawCharts();
drawExplorer();
const stopTheme = followTheme(() => [...charts.values(), ...(explorer ? [explorer] : [])]);

const connection = connectHub(c => c.invoke('SubscribeRun', run));
connection.on('MetricsAppended', m => { if (m.run === run && follow.checked) refresh(); });
connection.on('LogsAppended', m => { if (m.run === run && follow.checked) appendLogs(m.logs); });
window.addEventListener('pagehide', () => stopTheme());
