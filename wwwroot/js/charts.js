// ApexCharts helpers shared by the pages: number formats (1.2k, 350 ms, 97.5%), theme colours, and
// chart factories whose every label and tooltip escapes text, because ApexCharts writes legends and
// tooltips with innerHTML and names (metrics, models) come from whoever posts events.
const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, c => entities[c]);

export function fmtCount(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(1)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${Math.round(v / 1e3)}k`;
  if (a >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(2)}`;
}
export const fmtPct = v => (v == null || !Number.isFinite(v) ? '–' : `${+(v * 100).toFixed(1)}%`);
export function fmtSeconds(v) {
  if (v == null || !Number.isFinite(v)) return '–';
  if (Math.abs(v) < 1) return `${Math.round(v * 1000)} ms`;
  return Math.abs(v) < 100 ? `${+v.toFixed(2)} s` : `${Math.round(v)} s`;
}
export const fmtNumber = v => (v == null || !Number.isFinite(v) ? '–' : `${+v.toFixed(Math.abs(v) >= 100 ? 1 : 3)}`);
const fmtTime = ms => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

function palette() {
  const css = getComputedStyle(document.documentElement);
  return {
    mode: document.documentElement.dataset.theme === 'dark' ? 'dark' : 'light',
    text: css.getPropertyValue('--muted').trim() || '#5d6776',
    grid: css.getPropertyValue('--border').trim() || '#dde1e7',
    colors: [1, 2, 3, 4, 5].map(i => css.getPropertyValue(`--chart-${i}`).trim()).filter(Boolean),
  };
}

function base(type, yTitle, yFormat) {
  const p = palette();
  return {
    chart: { type, height: 280, animations: { enabled: false }, background: 'transparent', foreColor: p.text,
      toolbar: { show: false }, zoom: { enabled: false }, fontFamily: 'inherit' },
    theme: { mode: p.mode },
    colors: p.colors,
    grid: { borderColor: p.grid },
    dataLabels: { enabled: false },
    legend: { position: 'top', horizontalAlign: 'left', formatter: name => escapeHtml(name) },
    yaxis: { title: { text: yTitle }, labels: { formatter: v => yFormat(v) } },
    tooltip: { theme: p.mode, y: { formatter: v => escapeHtml(yFormat(v)), title: { formatter: name => escapeHtml(name) } } },
    noData: { text: 'No data in this range' },
  };
}

/** Lines over time. series: [{ label, points: [[unix ms, value], ...] }] (at most 1000 points each, from the server). */
export function lineChart(el, series, { yTitle, yFormat = fmtNumber, yMin, yMax } = {}) {
  return replaceable(el, s => {
    const options = base('line', yTitle, yFormat);
    options.series = toLines(s);
    options.stroke = { width: 2, curve: 'straight' };
    options.markers = { size: s.some(x => x.points.length < 3) ? 4 : 0 };
    options.legend.showForSingleSeries = true;
    options.xaxis = { type: 'datetime', title: { text: 'Time (UTC)' }, labels: { datetimeUTC: true } };
    options.yaxis.min = yMin;
    options.yaxis.max = yMax;
    options.tooltip.x = { formatter: v => escapeHtml(fmtTime(v)) };
    return options;
  }, series);
}

/** A histogram from server bins [{ lower, upper, count }]. */
export function histogramChart(el, bins, { xTitle, xFormat = fmtNumber } = {}) {
  return replaceable(el, b => {
    const options = base('bar', 'Count', v => fmtCount(v));
    options.series = toBars(b, xFormat);
    options.plotOptions = { bar: { columnWidth: '95%' } };
    // Axis labels show each bin's lower edge (a full "a–b" range does not fit under a bar); the tooltip shows the range.
    options.xaxis = { type: 'category', title: { text: xTitle }, tickPlacement: 'on',
      labels: { rotate: -45, hideOverlappingLabels: true, trim: false, formatter: v => String(v ?? '').split('–')[0] } };
    options.tooltip.x = { formatter: (v, o) => escapeHtml(o?.w?.globals?.labels?.[o.dataPointIndex] ?? v) };
    options.legend.show = false;
    return options;
  }, bins);
}

// ApexCharts keeps replaced series reachable after updateSeries: at one update a second a run page's heap grew about
// 0.2 MB a minute (bench/README.md, "A run page left open"). An update therefore replaces the instance (destroy, then a
// new chart built with the current theme); measured with the same tool, the heap then stays flat.
function replaceable(el, build, data) {
  let chart = new window.ApexCharts(el, build(data));
  chart.render();
  return {
    el,
    get chart() { return chart; },
    update(next) {
      chart.destroy();
      chart = new window.ApexCharts(el, build(next));
      chart.render();
    },
  };
}

const toLines = series => series.map(s => ({ name: s.label ?? s.name, data: s.points }));
const toBars = (bins, xFormat) => [{
  name: 'Count',
  data: bins.map(b => ({ x: b.lower === b.upper ? xFormat(b.lower) : `${xFormat(b.lower)}–${xFormat(b.upper)}`, y: b.count })),
}];

/** Re-colours every chart when the theme toggles. */
export function followTheme(getCharts) {
  const onTheme = () => {
    const p = palette();
    for (const c of getCharts()) {
      c.chart.updateOptions({ theme: { mode: p.mode }, colors: p.colors, chart: { foreColor: p.text },
        grid: { borderColor: p.grid }, tooltip: { theme: p.mode } }, false, false);
    }
  };
  window.addEventListener('themechange', onTheme);
  return () => window.removeEventListener('themechange', onTheme);
}

/** Runs fn at most once per interval; calls during a run or the wait are merged into one more run. */
export function coalesce(fn, intervalMs = 1000) {
  let timer = null, pending = false, running = false, last = 0;
  const fire = async () => {
    timer = null;
    if (running) { pending = true; return; }
    running = true; pending = false; last = Date.now();
    try { await fn(); } catch (e) { console.warn('refresh failed', e); }
    running = false;
    if (pending) schedule();
  };
  const schedule = () => {
    if (timer) return;
    timer = setTimeout(fire, Math.max(0, intervalMs - (Date.now() - last)));
  };
  return schedule;
}

/** Fetches a page again and replaces its [data-section] elements with the server's fresh rendering (no innerHTML). */
export async function refreshSections(url) {
  const response = await fetch(url, { headers: { Accept: 'text/html' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
  for (const fresh of doc.querySelectorAll('[data-section]')) {
    const old = document.querySelector(`[data-section="${CSS.escape(fresh.dataset.section)}"]`);
    if (!old) continue;
    // Containers marked data-keep hold live charts: they are replaced only when their shape changes
    // (empty state <-> chart); otherwise only their own nested sections are.
    if (fresh.hasAttribute('data-keep') && old.dataset.shape === fresh.dataset.shape) continue;
    old.replaceWith(document.importNode(fresh, true));
  }
  return doc;
}
