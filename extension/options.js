// Options page: the pantau server and the API token, and the captures kept on this device (not yet stored by the
// server). Settings live in chrome.storage.local; saving them makes the service worker retry what is kept.
"use strict";

const $ = (id) => document.getElementById(id);

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text;
  row.appendChild(td);
  return td;
}

async function refresh() {
  const records = await chrome.runtime.sendMessage({op: "kept"});
  const body = $("kept").querySelector("tbody");
  body.replaceChildren();
  for (const r of records || []) {
    const row = document.createElement("tr");
    row.dataset.id = r.id;
    cell(row, new Date(r.captured_at).toLocaleString("id-ID", {timeZone: "Asia/Jakarta"}) + " WIB");
    cell(row, r.fields.post_url);
    cell(row, r.state === "refused" ? "ditolak" : "menunggu");
    cell(row, (r.last_error || "") + (r.attempts ? ` (${r.attempts}× dicoba)` : ""));
    const td = cell(row, "");
    if (r.state === "refused") {
      const del = document.createElement("button");
      del.textContent = "Hapus";
      del.addEventListener("click", async () => { await chrome.runtime.sendMessage({op: "forget", id: r.id}); refresh(); });
      td.appendChild(del);
    }
    body.appendChild(row);
  }
  const {lastResult} = await chrome.storage.local.get("lastResult");
  $("last").textContent = lastResult ? `${lastResult.message} (${lastResult.platform}/${lastResult.post_id})` : "-";
}

document.addEventListener("DOMContentLoaded", async () => {
  const got = await chrome.storage.local.get(["server", "token"]);
  $("server").value = got.server || "";
  $("token").value = got.token || "";
  $("settings").addEventListener("submit", async (event) => {
    event.preventDefault();
    const server = $("server").value.trim().replace(/\/+$/, "");
    if (!/^https?:\/\/[^/]+$/.test(server)) { $("saved").textContent = "Alamat server harus http(s)://nama-host"; return; }
    await chrome.storage.local.set({server, token: $("token").value.trim()});
    $("saved").textContent = server.startsWith("http://") && !/^http:\/\/(localhost|127\.0\.0\.1)(:|$)/.test(server)
      ? "Tersimpan (peringatan: http:// tanpa enkripsi)" : "Tersimpan";
    setTimeout(refresh, 500);
  });
  $("retry").addEventListener("click", async () => { await chrome.runtime.sendMessage({op: "retry"}); refresh(); });
  refresh();
});
