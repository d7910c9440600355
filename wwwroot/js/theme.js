// Light and dark themes: the choice is kept in localStorage and applied before anything draws.
// Interactive pages toggle through window.dashboardTheme (called from ThemeState.cs); static pages
// (sign-in) bind the plain #theme-toggle button here.
const key = 'dashboard-theme';
const root = document.documentElement;
const saved = localStorage.getItem(key);
if (saved === 'dark' || saved === 'light') {
  root.dataset.theme = saved;
} else if (window.matchMedia?.('(prefers-color-scheme: dark)').matches) {
  root.dataset.theme = 'dark';
}
window.dashboardTheme = {
  isDark: () => root.dataset.theme === 'dark',
  set: (theme) => {
    root.dataset.theme = theme;
    localStorage.setItem(key, theme);
    window.dispatchEvent(new CustomEvent('themechange', { detail: theme }));
  },
};
const button = document.getElementById('theme-toggle');
if (button && !button.dataset.interactive) {
  button.addEventListener('click', () => window.dashboardTheme.set(root.dataset.theme === 'dark' ? 'light' : 'dark'));
}
