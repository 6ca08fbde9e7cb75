/* 走访（手机）service worker: keeps the page and its files on the phone so that it opens
   without signal. Data (the village's list, queued visits) lives in IndexedDB, written by
   the page (static/js/field.js); requests to /field/api/ always go to the network.
   Version {{ version }}: changes with any kept file, so an update replaces the old copy. */
importScripts(
  "/assets/vendor/workbox/workbox-core.prod.js",
  "/assets/vendor/workbox/workbox-routing.prod.js",
  "/assets/vendor/workbox/workbox-strategies.prod.js",
  "/assets/vendor/workbox/workbox-precaching.prod.js"
);
self.skipWaiting();
workbox.core.clientsClaim();
workbox.core.setCacheNameDetails({ prefix: "wbz-field", suffix: "{{ version }}" });
workbox.precaching.cleanupOutdatedCaches();
workbox.precaching.precacheAndRoute(
  [{ url: "/field/", revision: "{{ version }}" }, { url: "/field/manifest.webmanifest", revision: "{{ version }}" }
  {%- for f in files %}, { url: "{{ f }}", revision: "{{ version }}" }{% endfor %}],
  { ignoreURLParametersMatching: [/.*/] }
);
