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
// The server reads the same choice from a cookie, so the first answer (the prerender) is already in this theme.
const remember = theme => { document.cookie = `${key}=${theme}; path=/; max-age=31536000; SameSite=Lax`; };
remember(root.dataset.theme === 'dark' ? 'dark' : 'light');
window.dashboardTheme = {
  isDark: () => root.dataset.theme === 'dark',
  set: (theme) => {
    root.dataset.theme = theme;
    localStorage.setItem(key, theme);
    remember(theme);
    window.dispatchEvent(new CustomEvent('themechange', { detail: theme }));
  },
};
const button = document.getElementById('theme-toggle');
if (button && !button.dataset.interactive) {
  button.addEventListener('click', () => window.dashboardTheme.set(root.dataset.theme === 'dark' ? 'light' : 'dark'));
}
