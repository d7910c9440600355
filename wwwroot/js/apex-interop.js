// The one chart interop module: draws ApexCharts options computed in C# (Components/Charts). It adds only
// what JSON cannot carry: label and tooltip formatters chosen by unit name, and the zoom callback.
// Each chart lives on its host element; destroy() runs when the Blazor component is disposed.

// ApexCharts writes legends and tooltips with innerHTML, and names (models, scores) come from whoever posts events.
const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, c => entities[c]);

const timeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

function compact(v) {
  const a = Math.abs(v);
  if (a >= 1e9) return trim(v / 1e9) + 'G';
  if (a >= 1e6) return trim(v / 1e6) + 'M';
  if (a >= 1e3) return trim(v / 1e3) + 'k';
  return trim(v);
}

function trim(v) {
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  return String(Number(v.toFixed(digits)));
}

function money(v) {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(2) : v.toFixed(Math.abs(v) >= 0.01 || v === 0 ? 2 : 4);
}

export function format(v, unit) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  switch (unit) {
    case 's': return Math.abs(v) < 1 && v !== 0 ? trim(v * 1000) + ' ms' : trim(v) + ' s';
    case '%': return trim(v * 100) + '%';
    case 'tokens': return compact(v) + ' tokens';
    case 'count': return compact(Math.round(v));
    case '/min': return compact(v) + '/min';
    // 'money:USD': cost figures are small (0.0023 USD a generation), so keep four decimals below one unit.
    default: return typeof unit === 'string' && unit.startsWith('money:') ? money(v) + ' ' + unit.slice(6) : compact(v);
  }
}

function prepare(options, host, dotnet) {
  const units = options.yaxis.map(a => a.unit);
  options.yaxis.forEach(a => {
    a.labels = { formatter: v => a.integer ? format(Math.round(v), a.unit === 'count' ? 'count' : a.unit) : format(v, a.unit) };
    a.title.style = { fontWeight: 500 };
  });
  const axisOf = (i) => {
    // A series uses the axis whose seriesName lists it; a single axis serves every series.
    if (options.yaxis.length === 1) return 0;
    const name = options.series[i]?.name;
    const found = options.yaxis.findIndex(a => (a.seriesName || []).includes(name));
    return found < 0 ? 0 : found;
  };
  const x = options.xaxis;
  if (x.type === 'datetime') {
    x.labels.formatter = undefined;
  } else {
    x.labels.formatter = v => format(typeof v === 'string' ? parseFloat(v) : v, x.unit);
  }
  if (options.tooltip.mode === 'histogram') {
    options.tooltip.custom = ({ seriesIndex, dataPointIndex, w }) => {
      const p = w.config.series[seriesIndex].data[dataPointIndex];
      // A whole-number bin of width 1 arrives as lo === hi: one value, not a range.
      const range = p.lo === p.hi ? format(p.lo, x.unit) : `${format(p.lo, x.unit)} – ${format(p.hi, x.unit)}`;
      return `<div class="chart-tip"><div>${escapeHtml(range)}</div><strong>${escapeHtml(format(p.y, 'count'))}</strong></div>`;
    };
  } else {
    options.tooltip.x = options.tooltip.mode === 'time'
      ? { formatter: v => escapeHtml(timeFormat.format(new Date(v))) }
      : { formatter: v => escapeHtml(format(v, x.unit)) };
    options.tooltip.y = {
      formatter: (v, { seriesIndex }) => escapeHtml(format(v, units[axisOf(seriesIndex)])),
      title: { formatter: name => escapeHtml(name) + ':' },
    };
  }
  options.legend.formatter = name => escapeHtml(name);
  options.chart.events = {};
  if (options.chart.zoom.enabled && dotnet) {
    options.chart.selection = { enabled: true, type: 'x' };
    // The page owns the range: zooming asks it to load [min, max] from storage instead of stretching old points.
    options.chart.events.zoomed = (_, { xaxis }) => {
      if (xaxis && xaxis.min !== undefined && xaxis.max !== undefined) {
        dotnet.invokeMethodAsync('OnZoomed', xaxis.min, xaxis.max);
      }
    };
  }
  host.dataset.series = String(options.series.length);
  return options;
}

// A host is null when Blazor removed its element before this call arrived (the page re-rendered without that chart):
// nothing to draw then, and a TypeError here would end the whole circuit.
export function render(host, json, dotnet) {
  if (!host) return;
  destroy(host);
  const chart = new window.ApexCharts(host, prepare(JSON.parse(json), host, dotnet));
  host._apex = { chart, dotnet };
  host.dataset.rendered = '0';
  return chart.render().then(() => { host.dataset.rendered = '1'; });
}

// New data replaces the old in the same chart object; nothing accumulates between updates.
export function update(host, json) {
  const state = host?._apex;
  if (!state) return;
  const options = prepare(JSON.parse(json), host, state.dotnet);
  return state.chart.updateOptions(options, false, false, false).then(() => {
    host.dataset.updates = String(Number(host.dataset.updates || 0) + 1);
  });
}

export function destroy(host) {
  if (host && host._apex) {
    host._apex.chart.destroy();
    host._apex = null;
  }
}
