// Issue 10 (a 10M-point run page's first view under 1 s): the viewport's charts are drawn from the options the
// prerender wrote into the page while the circuit connects and renders on the server, instead of after it;
// apex-interop.js hands each drawn chart to the circuit's component of the same key. (CSP script-src 'self' allows
// script files only; a module runs once the page is parsed, when ApexCharts is loaded.)
import { drawPrerendered } from './apex-interop.js';

// Drawing holds the main thread: started before Blazor has its negotiate answer, it would hold back the circuit's
// WebSocket by the whole drawing time. So the drawing starts when that answer is in (the socket opens next), or after
// 400 ms when no circuit is being started (a static page).
let started = false;
const start = () => {
  if (started) return;
  started = true;
  observer?.disconnect();
  drawPrerendered(document);
};
const isNegotiate = e => e.name.includes('/_blazor/negotiate');
let observer = null;
if (performance.getEntriesByType('resource').some(isNegotiate)) {
  start();
} else if (typeof PerformanceObserver === 'function') {
  observer = new PerformanceObserver(list => { if (list.getEntries().some(isNegotiate)) setTimeout(start, 0); });
  observer.observe({ type: 'resource' });
}
setTimeout(start, 400);
