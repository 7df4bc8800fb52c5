// pantau's service worker (served at /sw.js, scope "/"): the Web Share Target. A share ("Bagikan -> pantau") is a
// POST of url, text, title and image to /bagikan; this worker sends it on with this device's API token (kept by
// /static/capture.js in the Cache API). Without a token the share goes to the server as is, which refuses it and
// says how to set one. Nothing else is intercepted or cached: the app always talks to the server.
"use strict";
const TOKEN_CACHE = "pantau-device";
const TOKEN_KEY = "/__pantau/device-token";

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

async function deviceToken() {
  const cache = await caches.open(TOKEN_CACHE);
  const found = await cache.match(TOKEN_KEY);
  return found ? (await found.text()).trim() : "";
}

async function share(request) {
  const token = await deviceToken();
  if (!token) return fetch(request);
  const form = await request.formData();
  return fetch("/bagikan", {method: "POST", body: form, headers: {"Authorization": "Bearer " + token},
                            credentials: "same-origin"});
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === "POST" && url.origin === self.location.origin && url.pathname === "/bagikan") {
    event.respondWith(share(event.request));
  }
});
