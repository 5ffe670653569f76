// Starts the app. Paths are relative to this file, so the built site works
// under any base path; an external file, so the CSP needs no inline script.
import init, * as bindings from './irqlab-web.js';

// Where the build's files are (the lesson data sits next to the wasm), for
// a page whose address is not its folder (`/irqlab` without the slash).
window.irqlabFiles = new URL('./', import.meta.url).href;

const wasm = await init({ module_or_path: new URL('./irqlab-web_bg.wasm', import.meta.url) });
// For the budgets script: `irqlab.bench_program(lesson)`, a program for the explorer worker to time.
window.irqlab = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));

// Offline use: sw.js (web/sw.js, filled in by the build) caches this
// build's files and serves them when the network drops. Browsers offer
// service workers only in a secure context (https, or localhost).
// A registered worker is checked against the server's sw.js at each load
// (browsers otherwise may wait), so a new build, or a debug build's worker
// that removes it, takes over at once; offline the check just fails.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register(new URL('./sw.js', import.meta.url)).then(
    (registration) => registration.update().catch(() => {}),
    (e) => console.warn(`irqlab works online only: the service worker did not start (${e})`),
  );
}
