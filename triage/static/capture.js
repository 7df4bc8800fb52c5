// The installable web app (triage/capture.py): registers the service worker (scope "/") and keeps this device's
// API token in the Cache API, where the service worker reads it to send shares ("Bagikan -> pantau") to /bagikan.
"use strict";
const TOKEN_CACHE = "pantau-device";
const TOKEN_KEY = "/__pantau/device-token";

async function saveDeviceToken(token) {
  const cache = await caches.open(TOKEN_CACHE);
  if (token) await cache.put(TOKEN_KEY, new Response(token, {headers: {"Content-Type": "text/plain"}}));
  else await cache.delete(TOKEN_KEY);
}

async function hasDeviceToken() {
  const cache = await caches.open(TOKEN_CACHE);
  return Boolean(await cache.match(TOKEN_KEY));
}

function say(text) {
  const el = document.getElementById("device-token-status");
  if (el) el.textContent = text;
}

document.addEventListener("DOMContentLoaded", async () => {
  if ("serviceWorker" in navigator) {
    try {
      await navigator.serviceWorker.register("/sw.js", {scope: "/"});
    } catch (err) {
      console.warn("pantau: service worker not registered", err);
    }
  }
  if (!("caches" in window)) return;
  const save = document.getElementById("device-token-save");
  const clear = document.getElementById("device-token-clear");
  const useHere = document.getElementById("token-use-here");
  if (save) save.addEventListener("click", async () => {
    const value = document.getElementById("device-token-input").value.trim();
    if (!value) return say("Tempel token dulu.");
    await saveDeviceToken(value);
    document.getElementById("device-token-input").value = "";
    say("Token tersimpan di perangkat ini.");
  });
  if (clear) clear.addEventListener("click", async () => {
    await saveDeviceToken("");
    say("Token dihapus dari perangkat ini.");
  });
  if (useHere) useHere.addEventListener("click", async () => {
    await saveDeviceToken(useHere.dataset.token);
    say("Token tersimpan di perangkat ini.");
  });
  if (document.getElementById("device-token")) {
    say((await hasDeviceToken()) ? "Perangkat ini sudah punya token." : "Perangkat ini belum punya token.");
  }
  document.body.dataset.captureReady = "1";
});
