// amphi's service worker: the page works offline once loaded.
//
// On install it caches the page's five files. It answers from the network first, so that a
// site generated again (a new data.js) is seen at once, and falls back on the cache offline.
// app.js registers it only when the page is served over http(s), never from file://.
'use strict';

const CACHE = 'amphi-site-v1';
const FILES = ['index.html', 'style.css', 'data.js', 'odds.js', 'app.js'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((cache) => cache.put(req, copy));
        }
        return res;
      })
      .catch(() =>
        caches.match(req, { ignoreSearch: true }).then((hit) => hit || caches.match('index.html')),
      ),
  );
});
