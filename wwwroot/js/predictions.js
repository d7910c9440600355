// Predictions page: draws the server's summary, then refetches it (at most once a second) whenever
// the run gets new points. The summary is computed in C#; this module only draws it.
import { connectHub } from './live.js';
import { autoSubmit, cell, chartBase, escapeHtml, fmt, setText, throttle } from './analytics-format.js';

const root = document.getElementById('predictions-page');
const BUCKETS = [['very_low', 'very low (< 0.5)'], ['low', 'low (0.5–0.7)'], ['medium', 'medium (0.7–0.8)'],
  ['high', 'high (0.8–0.9)'], ['very_high', 'very high (≥ 0.9)']];
const HOURS = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`);
const charts = {};

function countAxis(title) {
  return { title: { text: title }, min: 0, forceNiceScale: true, labels: { formatter: integerTick } };
}

// Small counts make ApexCharts pick ticks like 0.5; a count axis shows whole numbers only.
function integerTick(v) {
  return Number.isInteger(v) ? fmt.count(v) : '';
}

function createCharts(s) {
  charts.confidence = new window.ApexCharts(document.getElementById('chart-confidence'), {
    ...chartBase('bar', 'Predictions by confidence'),
    series: [{ name: 'predictions', data: BUCKETS.map(([k]) => s.confidence_buckets[k]) }],
    xaxis: { categories: BUCKETS.map(([, label]) => label), title: { text: 'confidence bucket' } },
    yaxis: countAxis('predictions'),
    tooltip: { y: { formatter: v => fmt.count(v) } },
  });
  charts.labels = new window.ApexCharts(document.getElementById('chart-labels'), {
    ...chartBase('bar', 'Predictions by label'),
    plotOptions: { bar: { horizontal: true } },
    series: [{ name: 'predictions', data: s.labels.map(l => l.count) }],
    xaxis: { categories: s.labels.map(l => l.label), title: { text: 'predictions' }, labels: { formatter: integerTick } },
    yaxis: { title: { text: 'label' } },
    tooltip: { x: { formatter: v => escapeHtml(v) }, y: { formatter: v => fmt.count(v) } },
  });
  charts.processing = new window.ApexCharts(document.getElementById('chart-processing'), {
    ...chartBase('bar', 'Processing time percentiles'),
    series: [{ name: 'processing time', data: percentiles(s) }],
    xaxis: { categories: ['p50', 'p90', 'p95', 'p99'], title: { text: 'percentile' } },
    yaxis: { title: { text: 'seconds' }, min: 0, labels: { formatter: v => fmt.decimal(v, 2) } },
    tooltip: { y: { formatter: v => fmt.seconds(v) } },
  });
  charts.hours = new window.ApexCharts(document.getElementById('chart-hours'), {
    ...chartBase('bar', 'Predictions by hour of day (UTC)'),
    series: [{ name: 'predictions', data: s.by_hour }],
    xaxis: { categories: HOURS, title: { text: 'hour of day (UTC)' }, tickAmount: 12 },
    yaxis: countAxis('predictions'),
    tooltip: { y: { formatter: v => fmt.count(v) } },
  });
  Object.values(charts).forEach(c => c.render());
}

function percentiles(s) {
  const p = s.processing_time;
  return [p.p50, p.p90, p.p95, p.p99].map(v => v ?? 0);
}

function render(s) {
  setText(root, 'predictions', fmt.count(s.predictions));
  setText(root, 'per-minute', fmt.decimal(s.predictions_per_minute, 1));
  setText(root, 'average-confidence', fmt.decimal(s.average_confidence));
  setText(root, 'errors', fmt.count(s.errors));
  setText(root, 'error-rate', fmt.rate(s.error_rate));
  setText(root, 'anomaly-score', fmt.decimal(s.anomaly.score));
  setText(root, 'processing-count', fmt.count(s.processing_time.count));
  for (const p of ['p50', 'p90', 'p95', 'p99']) setText(root, p, fmt.seconds(s.processing_time[p]));

  const list = root.querySelector('[data-field="indicators"]');
  const items = s.anomaly.indicators.length ? s.anomaly.indicators : [null];
  list.replaceChildren(...items.map(text => {
    const li = document.createElement('li');
    li.textContent = text ?? 'Nothing unusual: confidence, processing time and labels are within bounds.';
    if (text == null) li.className = 'muted';
    return li;
  }));
  root.querySelector('[data-field="labels"]').replaceChildren(...s.labels.map(l => {
    const tr = document.createElement('tr');
    tr.append(cell(l.label), cell(fmt.count(l.count), 'num'), cell(fmt.rate(l.share), 'num'));
    return tr;
  }));
  // Only the most frequent labels are listed (PredictionSummaryCalculator); the rest are counted.
  setText(root, 'more-labels', fmt.count(s.more_labels ?? 0));
  setText(root, 'labels-shown', String(s.labels.length));
  document.getElementById('labels-more')?.toggleAttribute('hidden', !(s.more_labels > 0));

  // Fresh instances rather than updateSeries, which keeps old series reachable (see replaceable() in charts.js).
  Object.values(charts).forEach(c => c.destroy());
  createCharts(s);
}

async function refresh() {
  const url = `/api/v1/runs/${encodeURIComponent(root.dataset.run)}/predictions/summary?window=${encodeURIComponent(root.dataset.window)}`;
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  if (response.ok) {
    render(await response.json());
    root.dataset.refreshed = String(Number(root.dataset.refreshed ?? 0) + 1);
  }
}

async function reloadWhenPredictionsExist() {
  const response = await fetch('/api/v1/predictions/runs', { headers: { Accept: 'application/json' } });
  if (response.ok && (await response.json()).length > 0) location.reload();
}

autoSubmit(root.querySelector('form.picker'));
if (root.dataset.summary) {
  createCharts(JSON.parse(root.dataset.summary));
  const schedule = throttle(refresh, 1000);
  const connection = connectHub(c => c.invoke('SubscribeRun', root.dataset.run));
  connection.on('MetricsAppended', m => {
    if (m.run === root.dataset.run && m.metrics.some(x => x.name.startsWith('prediction_'))) schedule();
  });
} else if (document.getElementById('predictions-empty')) {
  const schedule = throttle(reloadWhenPredictionsExist, 1000);
  const connection = connectHub(c => c.invoke('SubscribeOverview'));
  connection.on('RunsChanged', schedule);
} else {
  connectHub();
}
