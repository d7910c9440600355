// The one chart interop module: draws ApexCharts options computed in C# (Components/Charts). It adds only
// what JSON cannot carry: label and tooltip formatters chosen by unit name, and the zoom callback.
// Each chart lives on its host element; destroy() runs when the Blazor component is disposed.

// ApexCharts writes legends and tooltips with innerHTML, and names (models, scores) come from whoever posts events.
const entities = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = s => String(s ?? '').replace(/[&<>"']/g, c => entities[c]);

// Tooltips in UTC, like the axis (datetimeUTC) and every time the pages write.
const timeFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' });

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

// link.dotnet is the component's reference once the circuit has one (a chart drawn before the circuit gets it later).
function prepare(options, host, link) {
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
  // The parent's size is watched here (watchParent), not by ApexCharts: its observer stays on the element it first saw,
  // and a chart drawn before the circuit moves to the circuit's element.
  options.chart.redrawOnParentResize = false;
  if (options.chart.zoom.enabled) {
    options.chart.selection = { enabled: true, type: 'x' };
    // The page owns the range: zooming asks it to load [min, max] from storage instead of stretching old points.
    // A chart drawn before the circuit has no page to ask yet: the zoom waits for the takeover (render) instead of
    // being lost (CI dragged in that moment and the range never changed).
    options.chart.events.zoomed = (_, { xaxis }) => {
      if (xaxis && xaxis.min !== undefined && xaxis.max !== undefined) {
        if (link.dotnet) {
          link.dotnet.invokeMethodAsync('OnZoomed', xaxis.min, xaxis.max);
        } else {
          link.pendingZoom = [xaxis.min, xaxis.max];
        }
      }
    };
  }
  host.dataset.series = String(options.series.length);
  return options;
}

// A host is null when Blazor removed its element before this call arrived (the page re-rendered without that chart):
// nothing to draw then, and a TypeError here would end the whole circuit.
// A chart in the viewport is drawn at once; one below the fold waits until it nears the viewport or the browser is idle
// (one chart per idle slot), so the charts a user sees first are not queued behind the ones he does not (issue 10:
// drawing is most of a run page's first view). Either way every chart is drawn, without a scroll.
// A chart already drawn from the prerendered page (chart-first-draw.js) is taken over, not drawn again: it is kept as
// it is when the circuit's options are the prerender's (the same JSON), else updated to them.
export function render(host, json, dotnet) {
  if (!host) return;
  const taken = host._apex?.early ? host._apex : adoptEarly(host);
  if (taken) {
    taken.link.dotnet = dotnet;
    taken.early = false;
    if (taken.link.pendingZoom) {
      const [min, max] = taken.link.pendingZoom;
      taken.link.pendingZoom = null;
      dotnet.invokeMethodAsync('OnZoomed', min, max);
    }
    if (taken.json === json) {
      host.dataset.firstDraw = 'prerendered';
      return taken.drawn;
    }
    host.dataset.firstDraw = 'prerendered-updated';
    return taken.drawn.then(() => update(host, json));
  }
  destroy(host);
  const link = { dotnet };
  const options = prepare(JSON.parse(json), host, link);
  host.dataset.rendered = '0';
  if (inView(host)) return draw(host, options, link);
  host._apex = { pending: options, link };
  deferred.push(host);
  nearViewport().observe(host);
  scheduleIdle();
}

function draw(host, options, link) {
  unsketch(host);
  const chart = new window.ApexCharts(host, options);
  const state = { chart, link, host, parent: watchParent(chart, host) };
  host._apex = state;
  state.drawn = chart.render().then(() => { state.host.dataset.rendered = '1'; });
  return state.drawn;
}

// The prerendered page's server-drawn chart (ChartSketchView) gives way to ApexCharts' in the same task, so no frame
// shows the host empty.
function unsketch(host) {
  host.querySelector(':scope > .chart-sketch')?.remove();
}

// Redraws the chart when its parent's size changes (not on the first report, which every observer gets at once).
function watchParent(chart, host) {
  let first = true;
  const ro = new ResizeObserver(() => {
    if (first) {
      first = false;
    } else if (typeof chart._windowResize === 'function') {
      chart._windowResize();
    }
  });
  if (host.parentElement) ro.observe(host.parentElement);
  return ro;
}

// Charts drawn from the prerendered page before the circuit started, by their host's data-key, until the circuit's
// element with the same key appears (Blazor replaces the prerendered DOM rather than reusing it).
const early = new Map();
let takeover = null;

/** Draws the viewport's charts from the options the prerender put in the page (data-options), before the circuit. */
export async function drawPrerendered(doc) {
  if (!window.ApexCharts) return;
  const hosts = [...doc.querySelectorAll('.chart-host[data-options][data-key]')].filter(inView);
  if (hosts.length === 0) return;
  takeover ??= new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(adoptWithin)));
  takeover.observe(doc.body, { childList: true, subtree: true });
  for (const host of hosts) {
    // One chart per task: the circuit's connection is handled between them instead of waiting for every draw.
    await new Promise(resolve => setTimeout(resolve, 0));
    const key = host.dataset.key;
    if (!host.isConnected || host._apex || early.has(key)) continue;
    const json = host.dataset.options;
    const options = JSON.parse(json);
    // The prerender drew in the cookie's theme; if the page's stored choice differs, the circuit draws it as before.
    if (options.theme?.mode !== (doc.documentElement.dataset.theme === 'dark' ? 'dark' : 'light')) continue;
    const link = { dotnet: null };
    const state = { early: true, json, link };
    early.set(key, state);
    unsketch(host);
    const chart = new window.ApexCharts(host, prepare(options, host, link));
    Object.assign(state, { chart, host, parent: watchParent(chart, host) });
    host._apex = state;
    state.drawn = chart.render().then(() => { state.host.dataset.rendered = '1'; });
  }
  // Charts whose circuit element never came (the page went elsewhere) are dropped after a while.
  setTimeout(() => {
    takeover?.disconnect();
    takeover = null;
    for (const [key, state] of early) {
      if (state.early && !state.host.isConnected) {
        state.chart.destroy();
        state.parent.disconnect();
        early.delete(key);
      }
    }
  }, 30000);
}

function adoptWithin(node) {
  if (node.nodeType !== 1) return;
  if (node.matches('.chart-host[data-key]')) adoptEarly(node);
  node.querySelectorAll?.('.chart-host[data-key]').forEach(adoptEarly);
}

// Moves a chart drawn before the circuit into the circuit's element of the same key, inside it, as it is: ApexCharts
// keeps its own element, events and sizes; only the parent watched for resizes changes. Runs from a MutationObserver,
// so before the browser paints the new element empty.
function adoptEarly(host) {
  const state = early.get(host.dataset.key);
  if (!state || !state.early || state.host === host || host._apex || !host.isConnected) return null;
  early.delete(host.dataset.key);
  const old = state.host;
  for (const a of [...old.attributes]) {
    if (a.name !== 'style') old.removeAttribute(a.name);
  }
  old.className = 'chart-early';
  host.replaceChildren(old);
  host.dataset.series = state.chart.w.config.series.length.toString();
  state.host = host;
  state.parent.disconnect();
  state.parent = watchParent(state.chart, host);
  host._apex = state;
  state.drawn.then(() => { host.dataset.rendered = '1'; });
  return state;
}

function inView(host) {
  const r = host.getBoundingClientRect();
  return r.bottom > 0 && r.top < (window.innerHeight || document.documentElement.clientHeight);
}

const deferred = [];
let observer = null;
let idleScheduled = false;

function nearViewport() {
  observer ??= new IntersectionObserver(entries => entries.filter(e => e.isIntersecting).forEach(e => drawDeferred(e.target)), { rootMargin: '200px 0px' });
  return observer;
}

function drawDeferred(host) {
  const i = deferred.indexOf(host);
  if (i >= 0) deferred.splice(i, 1);
  observer?.unobserve(host);
  const state = host._apex;
  // A host Blazor removed meanwhile has nothing to draw on.
  if (!state || !state.pending || !host.isConnected) return Promise.resolve();
  return draw(host, state.pending, state.link);
}

const whenIdle = window.requestIdleCallback
  ? f => window.requestIdleCallback(f, { timeout: 1000 })
  : f => setTimeout(f, 50);

function scheduleIdle() {
  if (idleScheduled || deferred.length === 0) return;
  idleScheduled = true;
  whenIdle(() => {
    idleScheduled = false;
    const host = deferred.shift();
    if (!host) return;
    // The next deferred chart waits for this one's drawing to finish, then for the next idle slot; at most 5 s, so one
    // drawing that never settles cannot leave the charts after it undrawn.
    const next = () => scheduleIdle();
    Promise.race([drawDeferred(host), new Promise(resolve => setTimeout(resolve, 5000))]).then(next, next);
  });
}

// New data replaces the old in the same chart object; nothing accumulates between updates. A chart still waiting to be
// drawn just takes the newer options.
export function update(host, json) {
  const state = host?._apex;
  if (!state) return;
  const options = prepare(JSON.parse(json), host, state.link);
  if (state.pending) {
    state.pending = options;
    return;
  }
  return state.chart.updateOptions(options, false, false, false).then(() => {
    host.dataset.updates = String(Number(host.dataset.updates || 0) + 1);
  });
}

export function destroy(host) {
  if (!host || !host._apex) return;
  if (host._apex.chart) {
    host._apex.chart.destroy();
    host._apex.parent?.disconnect();
    host.querySelector(':scope > .chart-early')?.remove();
  } else {
    const i = deferred.indexOf(host);
    if (i >= 0) deferred.splice(i, 1);
    observer?.unobserve(host);
  }
  host._apex = null;
}
