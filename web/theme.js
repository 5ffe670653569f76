// Runs before the first paint: applies the theme the learner chose, if any
// (otherwise the CSS follows the system's prefers-color-scheme).
try {
  const theme = localStorage.getItem('irqlab.theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch (_) {
  // Storage can be unavailable (private mode): follow the system.
}
