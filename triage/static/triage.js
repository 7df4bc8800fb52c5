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
    function select(i) {
      rows[current].classList.remove("selected");
      rows[current].removeAttribute("aria-selected");
      current = Math.max(0, Math.min(rows.length - 1, i));
      rows[current].classList.add("selected");
      rows[current].setAttribute("aria-selected", "true");
      rows[current].scrollIntoView({ block: "nearest" });
    }
    select(0);
    document.addEventListener("keydown", function (ev) {
      if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === "j") { select(current + 1); ev.preventDefault(); }
      else if (ev.key === "k") { select(current - 1); ev.preventDefault(); }
      else if (ev.key === "Enter" || ev.key === "o") {
        window.location.assign(rows[current].getAttribute("data-href"));
        ev.preventDefault();
      }
    });
    rows.forEach(function (row, i) {
      row.addEventListener("click", function (ev) { if (ev.target.tagName !== "A") select(i); });
    });
  }

  function itemPage() {
    var form = document.getElementById("decision-form");
    var next = document.getElementById("next-item");
    var prev = document.getElementById("prev-item");
    // No prefetch of the next item: opening an item claims it and is written to the audit log.
    document.addEventListener("keydown", function (ev) {
      if (typing(ev) || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (ev.key === "j" && next) { window.location.assign(next.getAttribute("href")); ev.preventDefault(); return; }
      if (ev.key === "k" && prev) { window.location.assign(prev.getAttribute("href")); ev.preventDefault(); return; }
      if (!form) return;
      var radio = form.querySelector('input[name="decision"][data-key="' + ev.key + '"]');
      if (radio) {
        radio.checked = true;
        radio.focus();
        if (radio.value === "duplicate") form.querySelector('input[name="duplicate_of"]').focus();
        ev.preventDefault();
        return;
      }
      if (ev.key === "Enter" && form.querySelector('input[name="decision"]:checked')) {
        ev.preventDefault();
        if (form.reportValidity()) form.requestSubmit();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.getAttribute("data-page");
    if (page === "queue") queuePage();
    if (page === "item") itemPage();
  });
})();
