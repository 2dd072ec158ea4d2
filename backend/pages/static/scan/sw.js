// The scanner's service worker: /scan and its files from the cache when the network is gone.
// Pages: network first (a fresh page carries the current sign-in), the cached copy offline.
// Files: from the cache, which is renewed whenever any of them changes (the version below).
const CACHE = "speld-scan-__VERSION__";
const ASSETS = __ASSETS__;
const SCOPE = "__SCOPE__";

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll([SCOPE, ...ASSETS])));
  self.skipWaiting();
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("speld-scan-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

async function page(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = (await cache.match(request, { ignoreVary: true })) ?? (await cache.match(SCOPE, { ignoreVary: true }));
    if (kept) return kept;
    throw error;
  }
}

async function asset(request) {
  const kept = await caches.match(request, { ignoreVary: true });
  return kept ?? fetch(request);
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === SCOPE) event.respondWith(page(event.request));
  else if (ASSETS.includes(url.pathname)) event.respondWith(asset(event.request));
});
