// One SignalR connection per page to /hubs/metrics, with automatic reconnect and a status badge.
// Pages call connectHub(), register handlers with .on(name, fn), and subscribe in onConnected,
// which runs again after every reconnect because groups do not survive a new connection.
const badgeText = { live: 'live', reconnecting: 'reconnecting…', offline: 'offline' };

export function setBadge(state) {
  const badge = document.getElementById('connection-badge');
  if (!badge) return;
  badge.dataset.state = state;
  badge.className = `badge badge-${state}`;
  badge.textContent = badgeText[state] ?? state;
}

export function connectHub(onConnected) {
  const signalR = window.signalR;
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/metrics')
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ctx => Math.min(10000, 500 * 2 ** ctx.previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.onreconnecting(() => setBadge('reconnecting'));
  connection.onreconnected(async () => { setBadge('live'); await onConnected?.(connection); });
  connection.onclose(() => { setBadge('offline'); setTimeout(start, 5000); });

  async function start() {
    try {
      await connection.start();
      setBadge('live');
      await onConnected?.(connection);
    } catch {
      setBadge('offline');
      setTimeout(start, 3000);
    }
  }
  start();
  return connection;
}
