// Light and dark themes: the choice is kept in localStorage and applied before charts draw.
const key = 'dashboard-theme';
const root = document.documentElement;
const saved = localStorage.getItem(key);
if (saved === 'dark' || saved === 'light') {
  root.dataset.theme = saved;
} else if (window.matchMedia?.('(prefers-color-scheme: dark)').matches) {
  root.dataset.theme = 'dark';
}
document.getElementById('theme-toggle')?.addEventListener('click', () => {
  root.dataset.theme = root.dataset.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem(key, root.dataset.theme);
  window.dispatchEvent(new CustomEvent('themechange', { detail: root.dataset.theme }));
});
