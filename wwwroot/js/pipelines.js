// Pipelines page: draws the server's health report, then refetches it (at most once a second)
// whenever any run changes. Health is computed in C#; this module only draws it.
import { connectHub } from './live.js';
import { autoSubmit, cell, chartBase, escapeHtml, fmt, setText, throttle } from './analytics-format.js';

const root = document.getElementById('pipelines-page');
const charts = {};

function executionSeries(h) {
  return [
    { name: 'succeeded', data: h.pipelines.map(p => Math.round(p.executions * (p.success_rate ?? 0))) },
    { name: 'failed', data: h.pipelines.map(p => p.executions - Math.round(p.executions * (p.success_rate ?? 0))) },
  ];
}

function timeSeries(h) {
  return [
    { name: 'min', data: h.pipelines.map(p => p.min_execution_time ?? 0) },
    { name: 'mean', data: h.pipelines.map(p => p.mean_execution_time ?? 0) },
    { name: 'max', data: h.pipelines.map(p => p.max_execution_time ?? 0) },
  ];
}

function createCharts(h) {
  const names = h.pipelines.map(p => p.pipeline);
  charts.executions = new window.ApexCharts(document.getElementById('chart-executions'), {
    ...chartBase('bar', 'Executions per pipeline'),
    chart: { ...chartBase('bar').chart, stacked: true },
    colors: ['#2e9e5b', '#d64545'],
    legend: { show: true, position: 'top' },
    series: executionSeries(h),
    xaxis: { categories: names, title: { text: 'pipeline' } },
    yaxis: { title: { text: 'executions' }, min: 0, forceNiceScale: true, labels: { formatter: v => (Number.isInteger(v) ? fmt.count(v) : '') } },
    tooltip: { x: { formatter: v => escapeHtml(v) }, y: { formatter: v => fmt.count(v) } },
  });
  charts.times = new window.ApexCharts(document.getElementById('chart-times'), {
    ...chartBase('bar', 'Execution time per pipeline'),
    legend: { show: true, position: 'top' },
    series: timeSeries(h),
    xaxis: { categories: names, title: { text: 'pipeline' } },
    yaxis: { title: { text: 'seconds' }, min: 0, labels: { formatter: v => fmt.decimal(v, 1) } },
    tooltip: { x: { formatter: v => escapeHtml(v) }, y: { formatter: v => fmt.seconds(v) } },
  });
  Object.values(charts).forEach(c => c.render());
}

function badge(health) {
  const span = document.createElement('span');
  span.className = `health health-${health}`;
  span.textContent = health;
  return span;
}

function render(h) {
  setText(root, 'overall', h.overall);
  // Only the top pipelines are listed (see PipelineHealthCalculator.DefaultTop); the rest are counted.
  setText(root, 'more', fmt.count(h.more ?? 0));
  setText(root, 'pipelines-shown', String(h.pipelines.length));
  document.getElementById('pipelines-more')?.toggleAttribute('hidden', !(h.more > 0));
  const overall = root.querySelector('[data-field="overall"]');
  if (overall) overall.className = `health health-${h.overall}`;
  root.querySelector('[data-field="pipelines"]').replaceChildren(...h.pipelines.map(p => {
    const tr = document.createElement('tr');
    const health = document.createElement('td');
    health.append(badge(p.health));
    tr.append(cell(p.pipeline), cell(fmt.count(p.executions), 'num'), cell(fmt.rate(p.success_rate), 'num'),
      cell(fmt.rate(p.error_rate), 'num'), cell(fmt.seconds(p.mean_execution_time), 'num'),
      cell(fmt.seconds(p.min_execution_time), 'num'), cell(fmt.seconds(p.max_execution_time), 'num'), health);
    return tr;
  }));
  // Fresh instances rather than updateSeries, which keeps old series reachable (see replaceable() in charts.js).
  Object.values(charts).forEach(c => c.destroy());
  createCharts(h);
}

async function refresh() {
  const response = await fetch(`/api/v1/pipelines/health?${root.dataset.query}`, { headers: { Accept: 'application/json' } });
  if (!response.ok) return;
  const h = await response.json();
  if (document.getElementById('pipelines-empty')) {
    if (h.pipelines.length > 0) location.reload();
    return;
  }
  render(h);
  root.dataset.refreshed = String(Number(root.dataset.refreshed ?? 0) + 1);
}

autoSubmit(root.querySelector('form.picker'));
if (root.dataset.health && !document.getElementById('pipelines-empty')) {
  createCharts(JSON.parse(root.dataset.health));
}
const schedule = throttle(refresh, 1000);
const connection = connectHub(c => c.invoke('SubscribeOverview'));
connection.on('RunsChanged', schedule);
