// The service worker: the playground keeps working when the network drops.
// Not copied as is: web/examples/lesson_data.rs (trunk's post-build hook)
// writes it into each build with BUILD filled in. A release build gets its
// version (a hash of its files) and the list of its files (trunk's names and
// the content-hashed lesson data file), cached on install under
// `irqlab-<version>`; a debug build (`cargo xtask serve --dev`) gets null:
// that worker caches nothing and unregisters itself, clearing the caches a
// release build left on the same address.
//
// Every request goes to the network first, so a new build is seen at once;
// only when the network fails is the cached copy of this build served. The
// new build's worker replaces this one (skipWaiting) and deletes the other
// versions' caches, so an old build is not kept for ever.
const BUILD = null;
const PREFIX = 'irqlab-';

self.addEventListener('install', (event) => {
  self.skipWaiting();
  if (!BUILD) return;
  event.waitUntil(
    caches.open(PREFIX + BUILD.version)
      .then((cache) => cache.addAll(BUILD.files.map((file) => new Request(file, { cache: 'reload' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && (!BUILD || name !== PREFIX + BUILD.version)) await caches.delete(name);
    }
    if (!BUILD) await self.registration.unregister();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (!BUILD || request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(networkThenCache(request));
});

async function networkThenCache(request) {
  try {
    return await fetch(request);
  } catch (offline) {
    const cache = await caches.open(PREFIX + BUILD.version);
    // A page address may carry a query (`?present`); the page is the same.
    const page = request.mode === 'navigate';
    const cached = (await cache.match(request, { ignoreSearch: page })) ?? (page ? await cache.match('./') : undefined);
    if (cached) return cached;
    throw offline;
  }
}
