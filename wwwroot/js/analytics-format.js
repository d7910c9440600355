// Number formats shared by the predictions and pipelines pages; they print what Format.cs prints
// on the server so a live refresh never changes how a figure looks, only its value.
const NONE = '–';
const counts = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimals = d => new Intl.NumberFormat('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const rates = new Intl.NumberFormat('en-US', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

export const fmt = {
  count: n => (n == null ? NONE : counts.format(n)),
  decimal: (v, d = 3) => (v == null ? NONE : decimals(d).format(v)),
  rate: v => (v == null ? NONE : rates.format(v)),
  seconds: v => (v == null ? NONE : `${decimals(3).format(v)} s`),
};

// ApexCharts writes tooltip titles with innerHTML; labels and pipeline names come from generators.
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

export function setText(root, field, text) {
  const el = root.querySelector(`[data-field="${field}"]`);
  if (el && el.textContent !== text) el.textContent = text;
}

export function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

export function chartBase(type, title) {
  const dark = document.documentElement.dataset.theme === 'dark';
  return {
    chart: { type, height: 280, animations: { enabled: false }, toolbar: { show: false }, background: 'transparent',
      foreColor: getComputedStyle(document.body).color, fontFamily: 'inherit' },
    theme: { mode: dark ? 'dark' : 'light' },
    title: { text: title, style: { fontSize: '14px' } },
    grid: { borderColor: getComputedStyle(document.documentElement).getPropertyValue('--border').trim() || '#dde1e7' },
    dataLabels: { enabled: false },
    legend: { show: false },
    noData: { text: 'No data in this window' },
  };
}

// At most one call per interval; a call during the wait is folded into the next one.
export function throttle(fn, intervalMs) {
  let last = 0;
  let timer = null;
  return () => {
    if (timer) return;
    const wait = Math.max(0, last + intervalMs - Date.now());
    timer = setTimeout(async () => {
      timer = null;
      last = Date.now();
      try { await fn(); } catch (e) { console.warn('refresh failed', e); }
    }, wait);
  };
}

export function autoSubmit(form) {
  form?.querySelectorAll('select').forEach(s => s.addEventListener('change', () => form.requestSubmit()));
}
