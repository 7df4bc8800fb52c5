// Keyboard-first triage. Static file only: the CSP allows script-src 'self' and no inline script.
(function () {
  "use strict";

  function typing(ev) {
    var t = ev.target;
    return t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" ||
      (t.tagName === "INPUT" && t.type !== "radio" && t.type !== "checkbox"));
  }

  function queuePage() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
    if (!rows.length) return;
    var current = 0;
    // Rows are reachable with Tab and the j/k selection moves the focus (not only the colour).
    function select(i, focus) {
      rows[current].classList.remove("selected");
      rows[current].removeAttribute("aria-selected");
      current = Math.max(0, Math.min(rows.length - 1, i));
      rows[current].classList.add("selected");
      rows[current].setAttribute("aria-selected", "true");
      if (focus) rows[current].focus();
      rows[current].scrollIntoView({ block: "nearest" });
    }
    select(0, false);
    document.addEventListener("keydown", function (ev) {
      if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === "j") { select(current + 1, true); ev.preventDefault(); }
      else if (ev.key === "k") { select(current - 1, true); ev.preventDefault(); }
      else if ((ev.key === "Enter" && ev.target.tagName !== "A" && ev.target.tagName !== "BUTTON") || ev.key === "o") {
        window.location.assign(rows[current].getAttribute("data-href"));
        ev.preventDefault();
      }
    });
    rows.forEach(function (row, i) {
      row.addEventListener("focus", function () { if (i !== current) select(i, false); });
      // a tap or click anywhere on a row opens the item (phones have no keyboard)
      row.addEventListener("click", function (ev) {
        if (ev.target.closest("a")) return;
        select(i, false);
        window.location.assign(row.getAttribute("data-href"));
      });
    });
  }

  var LEAVE_UNSAVED = "Keputusan untuk pos ini belum disimpan. Tinggalkan pos ini tanpa menyimpan?";

  function itemPage() {
    var form = document.getElementById("decision-form");
    var next = document.getElementById("next-item");
    var prev = document.getElementById("prev-item");
    var hint = document.getElementById("key-hint");
    var saved = document.getElementById("saved");
    var dirty = false, submitting = false;
    // "Tersimpan - [Batalkan]" for PANTAU_UNDO_SHOWN_SECONDS (the server accepts Batalkan a little longer)
    if (saved) setTimeout(function () { saved.hidden = true; }, 1000 * (Number(saved.getAttribute("data-seconds")) || 10));
    function say(message) { if (hint) hint.textContent = message; }
    function leave(href) {
      if (dirty && !window.confirm(LEAVE_UNSAVED)) return;
      dirty = false;
      window.location.assign(href);
    }
    var reason = form && form.querySelector('textarea[name="reason"]');
    var note = form && form.querySelector('textarea[name="note"]');
    var duplicate = form && form.querySelector('input[name="duplicate_of"]');
    var reasonIsDraft = true; // the reason box is empty or holds the draft written from the evidence
    function choose(radio) {
      radio.checked = true;
      dirty = true;
      if (reasonIsDraft && radio.getAttribute("data-reason")) reason.value = radio.getAttribute("data-reason");
      form.classList.toggle("is-duplicate", radio.value === "duplicate");
      say(radio.value === "duplicate" ? "Tekan d lalu isi Duplikat dari (platform/ID pos)." : "");
    }
    function submit() {
      var chosen = form.querySelector('input[name="decision"]:checked');
      if (!chosen) { say("Pilih keputusan dulu: tombol 1-4."); return; }
      if (chosen.value === "duplicate" && !duplicate.value.trim()) {
        say("Keputusan Duplikat perlu pos aslinya: isi Duplikat dari (platform/ID pos).");
        duplicate.focus();
        return;
      }
      if (form.reportValidity()) { submitting = true; form.requestSubmit(); }
    }
    if (form) {
      reason.addEventListener("input", function () { reasonIsDraft = reason.value === ""; });
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("change", function (ev) {
        dirty = true;
        if (ev.target.name === "decision") choose(ev.target);
      });
      form.addEventListener("submit", function () { submitting = true; });
      form.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); submit(); }
        else if (ev.key === "Escape" && typing(ev)) { ev.target.blur(); }
      });
      // Leaving without saving releases the claim at once (otherwise the item stays blocked for 15 minutes).
      window.addEventListener("pagehide", function () {
        if (submitting || !navigator.sendBeacon) return;
        var data = new FormData();
        data.append("csrf_token", form.querySelector('input[name="csrf_token"]').value);
        navigator.sendBeacon(form.getAttribute("data-release"), data);
      });
      document.addEventListener("click", function (ev) {
        var link = ev.target.closest && ev.target.closest("a[href]");
        if (link && dirty && link.target !== "_blank" && !window.confirm(LEAVE_UNSAVED)) ev.preventDefault();
        else if (link) dirty = false;
      });
    }
    // No prefetch of the next item: opening an item claims it and is written to the audit log.
    document.addEventListener("keydown", function (ev) {
      if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === "j" && next) { ev.preventDefault(); leave(next.getAttribute("href")); return; }
      if (ev.key === "k" && prev) { ev.preventDefault(); leave(prev.getAttribute("href")); return; }
      // b: Batalkan, while "Tersimpan - [Batalkan]" is shown (withdraws the decision just saved on the last item)
      var undo = document.getElementById("undo-form");
      if (ev.key === "b" && undo && !saved.hidden) { ev.preventDefault(); dirty = false; undo.requestSubmit(); return; }
      if (!form) return;
      var radio = form.querySelector('input[name="decision"][data-key="' + ev.key + '"]');
      var box = form.querySelector('input[type="checkbox"][data-key="' + ev.key + '"]');
      if (radio) { ev.preventDefault(); choose(radio); radio.focus(); return; }
      if (box) { ev.preventDefault(); box.checked = !box.checked; dirty = true; box.focus(); return; }
      if (ev.key === "a") { ev.preventDefault(); reason.focus(); return; }
      if (ev.key === "n") { ev.preventDefault(); note.focus(); return; }
      if (ev.key === "d" && form.classList.contains("is-duplicate")) { ev.preventDefault(); duplicate.focus(); return; }
      if (ev.key === "Enter") {
        if (ev.target.tagName === "A" || (ev.target.tagName === "BUTTON" && ev.target.form !== form)) return;
        ev.preventDefault();
        submit();
        return;
      }
      if (ev.key.length === 1 && ev.key !== " ") {
        say("Tombol " + ev.key + " tidak dipakai di sini: 1-4 keputusan, i/t/m unsur, a alasan, n catatan, " +
            "Enter simpan, j/k pos lain.");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.getAttribute("data-page");
    if (page === "queue") queuePage();
    if (page === "item") itemPage();
  });
})();
