// Runs overview: live via RunsChanged (coalesced refetch of the server-rendered table, at most once a
// second; AlertChanged does the same for the firing badges), search by name kept in the query string, project filter as a GET form.
// The server renders at most Pages:RunsLimit rows plus "N more runs": typing filters the shown rows at once, then
// refetches so the server's search finds runs beyond the limit (and the refetch on every change keeps the limit).
import { connectHub } from './live.js';
import { coalesce, refreshSections } from './charts.js';

const search = document.getElementById('run-search');
const projectSelect = document.getElementById('project-filter');

function applySearch() {
  const q = search.value.trim().toLowerCase();
  const rows = document.querySelectorAll('#runs-body tr');
  let shown = 0;
  for (const row of rows) {
    const match = !q || row.dataset.run.toLowerCase().includes(q);
    row.hidden = !match;
    if (match) shown++;
  }
  document.getElementById('runs-no-match')?.toggleAttribute('hidden', shown > 0 || (rows.length === 0 && !q));
}

let searchTimer;
search.addEventListener('input', () => {
  const url = new URL(location.href);
  if (search.value) url.searchParams.set('q', search.value); else url.searchParams.delete('q');
  history.replaceState(null, '', url);
  applySearch();
  // Refetch once typing pauses, so a fetch for a half-typed name does not replace the rows under the user.
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => refresh(), 400);
});
projectSelect.addEventListener('change', () => projectSelect.form.requestSubmit());

const refresh = coalesce(async () => {
  await refreshSections(location.pathname + location.search);
  applySearch();
  document.getElementById('runs-section').dataset.updated = String(Date.now());
}, 1000);

applySearch();
const connection = connectHub(async c => {
  await c.invoke('SubscribeOverview');
  await c.invoke('SubscribeAlerts');
});
connection.on('RunsChanged', () => refresh());
// A firing or resolved alert changes a run's badge: the server renders it, so fetch the table again.
connection.on('AlertChanged', () => refresh());

