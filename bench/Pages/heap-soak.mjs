// Heap of a page left open in headless Chromium, sampled every 30 s after a forced GC, without Playwright's
// network instrumentation (DevTools keeps every response body while the Network domain is on): only the
// Runtime and HeapProfiler domains are used, over the raw DevTools protocol.
// Usage: node bench/Pages/heap-soak.mjs [minutes=20] [url=http://127.0.0.1:5080/runs/demo-conversations?range=5m]
import { spawn } from 'node:child_process';
import WebSocket from 'ws';
const minutes = Number(process.argv[2] ?? 20);
const url = process.argv[3] ?? 'http://127.0.0.1:5080/runs/demo-conversations?range=5m';
const chrome = spawn('/usr/bin/chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--remote-debugging-port=9333', `--user-data-dir=${process.env.TMPDIR ?? '/tmp'}/heap-soak-${process.pid}`, '--window-size=1280,800', url]);
await new Promise(r => setTimeout(r, 4000));
const targets = await (await fetch('http://127.0.0.1:9333/json')).json();
const page = targets.find(t => t.type === 'page');
const ws = new WebSocket(page.webSocketDebuggerUrl);
await new Promise(r => ws.on('open', r));
let id = 0; const pending = new Map();
ws.on('message', m => { const msg = JSON.parse(m); if (msg.id && pending.has(msg.id)) { pending.get(msg.id)(msg.result); pending.delete(msg.id); } });
const send = (method, params = {}) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
for (let i = 0; i <= minutes * 2; i++) {
  await send('HeapProfiler.collectGarbage');
  const { usedSize } = await send('Runtime.getHeapUsage');
  const r = await send('Runtime.evaluate', { expression: "[document.getElementsByTagName('*').length, document.getElementById('connection-badge')?.textContent]", returnByValue: true });
  console.log(JSON.stringify({ t: i * 30, heapMB: +(usedSize / 1048576).toFixed(2), nodes: r.result.value[0], badge: r.result.value[1] }));
  if (i < minutes * 2) await new Promise(r => setTimeout(r, 30000));
}
ws.close(); chrome.kill();
