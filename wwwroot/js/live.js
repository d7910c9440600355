// One SignalR connection per page to /hubs/metrics, with automatic reconnect and a status badge.
// Every module on a page shares it: connectHub() returns the same connection to each caller (ES modules
// are evaluated once per page), registers the caller's onConnected, and runs it now if already connected.
// onConnected runs again after every reconnect because groups do not survive a new connection.
const badgeText = { live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };
const subscribers = [];
let shared = null;

export function setBadge(state) {
  const badge = document.getElementById('connection-badge');
  if (!badge) return;
  badge.hidden = false;
  badge.dataset.state = state;
  badge.className = `badge badge-${state}`;
  badge.textContent = badgeText[state] ?? state;
}

async function subscribeAll(connection) {
  for (const onConnected of subscribers) {
    try { await onConnected(connection); } catch (e) { console.warn('hub subscribe failed', e); }
  }
}

export function connectHub(onConnected) {
  if (onConnected) subscribers.push(onConnected);
  if (shared) {
    if (onConnected && shared.state === window.signalR.HubConnectionState.Connected) {
      Promise.resolve(onConnected(shared)).catch(e => console.warn('hub subscribe failed', e));
    }
    return shared;
  }
  const signalR = window.signalR;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/metrics')
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** ctx.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  shared = connection;
  let stopping = false;
  connection.onreconnecting(() => setBadge('reconnecting'));
  connection.onreconnected(async () => { setBadge('live'); await subscribeAll(connection); });
  connection.onclose(() => { setBadge('offline'); if (!stopping) setTimeout(start, 5000); });
  window.addEventListener('pagehide', () => { stopping = true; connection.stop(); });
  window.addEventListener('pageshow', e => { if (e.persisted) { stopping = false; start(); } });

  async function start() {
    try {
      await connection.start();
      setBadge('live');
      await subscribeAll(connection);
    } catch {
      setBadge('offline');
      if (!stopping) setTimeout(start, 3000);
    }
  }
  start();
  return connection;
}
