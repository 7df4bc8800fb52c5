// "Kirim ke pantau": the extension's service worker (Manifest V3).
//
// One action (toolbar button or context menu) captures the open post: page URL, the canonical post URL the page
// declares, the selected text (or the post's visible text), the author's name/handle where visible, media, a PNG
// screenshot of the visible tab and an MHTML snapshot of the page. SHA-256 of both files is computed here
// (crypto.subtle). The capture is first kept in chrome.storage.local, then sent to the configured pantau server
// (POST <server>/api/tangkap, Authorization: Bearer <token>); it is removed only once the server has stored it.
// A capture that cannot be sent (offline, server down or busy, token not set or refused) stays and is retried every
// minute, at start-up and when the settings change; one the server refuses for its content is kept, marked
// "ditolak", until the monitor deletes it in the options page.
//
// Privacy: nothing is sent anywhere but the server configured in the options page.
"use strict";

const MENU_ID = "pantau-capture";
const RETRY_ALARM = "pantau-retry";
const SETTINGS = ["server", "token"];
const QUEUE = "queue"; // ids of kept captures, oldest first; each one is stored under "capture:<id>"
const RETRY_STATUSES = new Set([401, 408, 425, 429]); // and every 5xx: sent again later

// -- set-up ---------------------------------------------------------------------------------------------------

chrome.runtime.onInstalled.addListener(() => {
  chrome.contextMenus.create({id: MENU_ID, title: "Kirim ke pantau",
                              contexts: ["page", "selection", "link", "image", "video"]});
  chrome.alarms.create(RETRY_ALARM, {periodInMinutes: 1});
});
chrome.runtime.onStartup.addListener(() => {
  chrome.alarms.create(RETRY_ALARM, {periodInMinutes: 1});
  retryPending();
});
chrome.alarms.onAlarm.addListener((alarm) => { if (alarm.name === RETRY_ALARM) retryPending(); });
chrome.action.onClicked.addListener((tab) => captureTab(tab));
chrome.contextMenus.onClicked.addListener((info, tab) => captureTab(tab, info));
chrome.storage.onChanged.addListener((changes, area) => {
  if (area === "local" && SETTINGS.some((k) => k in changes)) retryPending();
});

// -- capture ----------------------------------------------------------------------------------------------------

// Runs in the page (chrome.scripting): what the page shows of the post. Self-contained (no outer variables).
function extractPage() {
  const old = document.getElementById("pantau-capture-toast");
  if (old) old.remove(); // never in the evidence
  const q = (sel, root) => { try { return (root || document).querySelector(sel); } catch (e) { return null; } };
  const meta = (name) => {
    const m = q(`meta[property="${name}"]`) || q(`meta[name="${name}"]`);
    return m ? (m.getAttribute("content") || "").trim() : "";
  };
  const textOf = (el) => (el ? (el.innerText || el.textContent || "").replace(/[ \t]+/g, " ").trim() : "");
  const first = (sels, root) => { for (const s of sels) { const el = q(s, root); if (el && textOf(el)) return el; } return null; };
  const link = q('link[rel="canonical"]');
  const canonical = (link && link.href) || meta("og:url") || "";
  let host = location.hostname;
  try { host = new URL(canonical || location.href).hostname; } catch (e) { /* keep the page's host */ }
  const on = (domain) => host === domain || host.endsWith("." + domain);
  const platform = on("facebook.com") || on("fb.com") ? "facebook" : on("instagram.com") ? "instagram"
    : on("tiktok.com") ? "tiktok" : on("whatsapp.com") ? "whatsapp" : "web";
  const RULES = {
    facebook: {post: ['[role="article"]'], text: ['[data-ad-preview="message"]', '[data-ad-comet-preview="message"]',
                                              '[data-testid="post_message"]'],
               author: ["h2 strong a", "h2 a", "h3 strong a", "h3 a", "strong a"]},
    instagram: {post: ["article"], text: ["article h1", "h1"], author: ["header a[href]", "article header a"]},
    tiktok: {post: ['[data-e2e="browse-video"]', '[data-e2e="video-detail"]', "main"],
             text: ['[data-e2e="browse-video-desc"]', '[data-e2e="video-desc"]'],
             author: ['[data-e2e="browse-user-nickname"]', '[data-e2e="video-author-nickname"]'],
             handle: ['[data-e2e="browse-username"]', '[data-e2e="video-author-uniqueid"]']},
    whatsapp: {post: ["main"], text: ["main"], author: ["h1", "h2"]},
    web: {post: ["article", "main"], text: ["article", "main"], author: ['[rel="author"]', ".author"]},
  };
  const rule = RULES[platform];
  const post = first(rule.post) || document.body;
  const selection = String(window.getSelection ? window.getSelection() : "").trim();
  const text = selection || textOf(first(rule.text, post) || first(rule.text)) || meta("og:description")
    || textOf(post).slice(0, 5000) || document.title;
  const authorEl = first(rule.author, post) || first(rule.author);
  let authorName = textOf(authorEl) || meta("author") || meta("article:author");
  let handle = textOf(rule.handle ? first(rule.handle, post) || first(rule.handle) : null);
  if (!handle && authorEl && authorEl.href && platform !== "web") {
    try {
      const seg = new URL(authorEl.href, location.href).pathname.split("/").filter(Boolean)[0] || "";
      if (seg && !/\.php$/.test(seg)) handle = seg;
    } catch (e) { /* no handle */ }
  }
  const media = [];
  const add = (type, url, alt) => { if (url && media.length < 20) media.push({type, url: String(url).slice(0, 2000), alt: alt || null}); };
  add("image", meta("og:image"), meta("og:image:alt"));
  add("video", meta("og:video") || meta("og:video:url"), null);
  for (const v of post.querySelectorAll("video")) add("video", v.currentSrc || v.src || v.poster, v.getAttribute("aria-label"));
  for (const img of post.querySelectorAll("img[alt]")) if (img.alt.length > 20) add("image", img.currentSrc || img.src, img.alt);
  return {url: location.href, canonical, title: document.title.slice(0, 1000), selection: selection.slice(0, 20000),
          text: text.slice(0, 20000), author_name: (authorName || "").slice(0, 200),
          author_handle: (handle || "").replace(/^@/, "").slice(0, 200), media, platform};
}

async function sha256Hex(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

function toBase64(bytes) {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(out);
}

function fromBase64(text) {
  const bin = atob(text);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function saveMhtmlOnce(tabId) {
  return new Promise((resolve, reject) => chrome.pageCapture.saveAsMHTML({tabId}, (blob) => {
    if (chrome.runtime.lastError || !blob) reject(new Error(chrome.runtime.lastError ? chrome.runtime.lastError.message : "no snapshot"));
    else resolve(blob.arrayBuffer()); // read at once: the snapshot's backing file does not outlive the callback
  }));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The first snapshot of a fresh browser profile cannot be read (NotFoundError: its temporary file is not there yet,
// seen in Chromium 156); the screenshot is limited to two calls a second; on a loaded machine the screenshot's
// readback from the compositor can fail once ("image readback failed", seen in a CI run with both cores busy).
// All three are tried again, a few times.
async function again(what, tries = 4) {
  for (let i = 1; ; i++) {
    try {
      return await what();
    } catch (err) {
      if (i >= tries || !/NotFoundError|could not be found|MAX_CAPTURE_VISIBLE_TAB|readback failed/.test(String(err))) throw err;
      await sleep(600 * i);
    }
  }
}

// Capture a tab (the action's or the context menu's); returns what was shown to the monitor.
async function captureTab(tab, info) {
  const capturedAt = new Date().toISOString();
  let record;
  try {
    const [{result: page}] = await chrome.scripting.executeScript({target: {tabId: tab.id}, func: extractPage});
    const selection = (info && info.selectionText ? info.selectionText.trim() : "") || page.selection;
    const shotUrl = await again(() => chrome.tabs.captureVisibleTab(tab.windowId, {format: "png"}));
    const shot = fromBase64(shotUrl.slice(shotUrl.indexOf(",") + 1));
    const snap = new Uint8Array(await again(() => saveMhtmlOnce(tab.id)));
    record = {
      id: crypto.randomUUID(), captured_at: capturedAt, state: "pending", attempts: 0, last_error: null,
      fields: {page_url: page.url, post_url: page.canonical || page.url, text: selection || page.text,
               title: page.title, author_name: page.author_name, author_handle: page.author_handle,
               media: JSON.stringify(page.media), captured_at: capturedAt},
      screenshot: toBase64(shot), screenshot_sha256: await sha256Hex(shot),
      snapshot: toBase64(snap), snapshot_sha256: await sha256Hex(snap),
    };
  } catch (err) {
    const message = "tidak dapat menangkap halaman ini: " + (err && err.message ? err.message : err);
    await showResult(tab.id, {kind: "error", message});
    return {kept: false, sent: false, message};
  }
  await keep(record);
  const result = await send(record);
  await showResult(tab.id, result);
  return {...result, id: record.id, screenshot_sha256: record.screenshot_sha256, snapshot_sha256: record.snapshot_sha256};
}

async function captureActiveTab() {
  const [tab] = await chrome.tabs.query({active: true, lastFocusedWindow: true});
  return captureTab(tab);
}

// -- keeping and sending ----------------------------------------------------------------------------------------

async function keep(record) {
  const got = await chrome.storage.local.get(QUEUE);
  const ids = (got[QUEUE] || []).filter((id) => id !== record.id);
  ids.push(record.id);
  await chrome.storage.local.set({["capture:" + record.id]: record, [QUEUE]: ids});
}

async function forget(id) {
  const got = await chrome.storage.local.get(QUEUE);
  await chrome.storage.local.set({[QUEUE]: (got[QUEUE] || []).filter((x) => x !== id)});
  await chrome.storage.local.remove("capture:" + id);
}

async function kept() {
  const got = await chrome.storage.local.get(QUEUE);
  const ids = got[QUEUE] || [];
  if (!ids.length) return [];
  const records = await chrome.storage.local.get(ids.map((id) => "capture:" + id));
  return ids.map((id) => records["capture:" + id]).filter(Boolean);
}

async function settings() {
  const got = await chrome.storage.local.get(SETTINGS);
  return {server: (got.server || "").trim().replace(/\/+$/, ""), token: (got.token || "").trim()};
}

function captureForm(record) {
  const form = new FormData();
  for (const [k, v] of Object.entries(record.fields)) if (v) form.append(k, v);
  form.append("capture_id", record.id);
  form.append("screenshot_sha256", record.screenshot_sha256);
  form.append("snapshot_sha256", record.snapshot_sha256);
  form.append("screenshot", new Blob([fromBase64(record.screenshot)], {type: "image/png"}), "tangkapan-layar.png");
  form.append("snapshot", new Blob([fromBase64(record.snapshot)], {type: "multipart/related"}), "halaman.mhtml");
  return form;
}

// Send one kept capture; it is forgotten only when the server answers that it is stored.
async function send(record) {
  const {server, token} = await settings();
  const update = async (state, error) => {
    record.state = state;
    record.attempts += 1;
    record.last_error = error;
    await chrome.storage.local.set({["capture:" + record.id]: record});
  };
  if (!/^https?:\/\/[^/]+/.test(server) || !token) {
    const message = "disimpan di perangkat: setel alamat server dan token di Pengaturan ekstensi";
    await update("pending", message);
    return {kind: "kept", kept: true, sent: false, message};
  }
  let response, body = {};
  try {
    response = await fetch(server + "/api/tangkap", {method: "POST", body: captureForm(record), credentials: "omit",
                                                      headers: {"Authorization": "Bearer " + token,
                                                                "X-Pantau-Source": "extension"}});
    body = await response.json().catch(() => ({}));
  } catch (err) {
    const message = "server tidak terjangkau; tangkapan disimpan dan dikirim ulang otomatis";
    await update("pending", message);
    return {kind: "kept", kept: true, sent: false, message};
  }
  if (response.ok && body.ok) {
    await forget(record.id);
    const result = {kind: "ok", kept: false, sent: true, message: body.message, platform: body.platform,
                    post_id: body.post_id, score: body.score, item_url: server + body.item_url};
    await chrome.storage.local.set({lastResult: {...result, at: new Date().toISOString()}});
    return result;
  }
  const error = body.error || ("HTTP " + response.status);
  if (response.status >= 500 || RETRY_STATUSES.has(response.status)) {
    await update("pending", error);
    return {kind: "kept", kept: true, sent: false, status: response.status,
            message: error + " (disimpan, dikirim ulang otomatis)"};
  }
  await update("refused", error);
  return {kind: "error", kept: true, sent: false, status: response.status, message: "ditolak server: " + error};
}

let retrying = null;

// Send every kept capture that is still pending, oldest first (one run at a time).
function retryPending() {
  if (!retrying) {
    retrying = (async () => {
      const results = [];
      try {
        for (const record of await kept()) {
          if (record.state !== "pending") continue;
          const result = await send(record);
          results.push(result);
          if (!result.sent && result.kind === "kept" && result.status === undefined) break; // offline: try later
        }
      } finally {
        retrying = null;
      }
      await badge();
      return results;
    })();
  }
  return retrying;
}

async function badge() {
  const n = (await kept()).length;
  await chrome.action.setBadgeText({text: n ? String(n) : ""});
  if (n) await chrome.action.setBadgeBackgroundColor({color: "#8a5a00"});
}

// -- showing the result -----------------------------------------------------------------------------------------

function showToast(message, kind) { // runs in the page
  let el = document.getElementById("pantau-capture-toast");
  if (!el) {
    el = document.createElement("div");
    el.id = "pantau-capture-toast";
    document.documentElement.appendChild(el);
  }
  el.setAttribute("role", "status");
  el.dataset.kind = kind;
  el.textContent = "pantau: " + message;
  Object.assign(el.style, {position: "fixed", zIndex: "2147483647", right: "16px", bottom: "16px", maxWidth: "360px",
                           padding: "10px 14px", borderRadius: "6px", font: "14px/1.4 sans-serif", color: "#fff",
                           background: kind === "ok" ? "#1f6f3f" : kind === "kept" ? "#8a5a00" : "#9b1c1c"});
  clearTimeout(window.__pantauToast);
  window.__pantauToast = setTimeout(() => el.remove(), 8000);
}

async function showResult(tabId, result) {
  await badge();
  if (result.kind === "ok") {
    await chrome.action.setBadgeText({text: "OK", tabId});
    await chrome.action.setBadgeBackgroundColor({color: "#1f6f3f", tabId});
  }
  try {
    await chrome.scripting.executeScript({target: {tabId}, func: showToast, args: [result.message, result.kind]});
  } catch (err) { /* a page the extension may not write to (chrome://): the badge says it */ }
}

// For the options page and for tests driving the worker (Playwright's context.service_workers).
self.pantau = {captureTab, captureActiveTab, retryPending, kept, forget, settings};
chrome.runtime.onMessage.addListener((message, sender, reply) => {
  if (!sender.url || !sender.url.startsWith(chrome.runtime.getURL(""))) return false; // only our own pages
  const run = {retry: () => retryPending(), kept: () => kept(), forget: () => forget(message.id).then(badge)}[message.op];
  if (!run) return false;
  run().then(reply, (err) => reply({error: String(err)}));
  return true;
});
