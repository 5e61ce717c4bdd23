// The batch page: tell screen readers how far the batch has come, once per change (htmx
// replaces the progress section when something changed, which a live region inside it would
// not announce), and keep the keyboard focus in the table when what had it went away.
(function () {
  "use strict";

  var last = "";
  var focusedRow = null;

  function announce() {
    var announcer = document.querySelector("[data-batch-announcer]");
    var counts = document.querySelector("[data-counts]");
    if (!announcer || !counts) { return; }
    var text = counts.textContent.replace(/\s+/g, " ").trim();
    var finished = document.querySelector("#batch-progress.is-finished");
    if (finished) { text += ". Finished."; }
    if (text !== last) {
      last = text;
      announcer.textContent = text;
    }
  }

  function rememberFocus(event) {
    // htmx itself puts the focus back on an element with the same id; this is for a button that
    // is gone after the swap (a Retry button once its receipt is queued again).
    var active = document.activeElement;
    var row = active && active.closest ? active.closest("tr[id]") : null;
    focusedRow = null;
    if (active && active !== document.body && event.target.contains(active)) {
      focusedRow = row ? row.id : "summary";
    }
  }

  function restoreFocus() {
    if (!focusedRow) { return; }
    var active = document.activeElement;
    if (active && active !== document.body) { focusedRow = null; return; }
    var target = focusedRow === "summary" ? null : document.querySelector("#" + CSS.escape(focusedRow) + " a");
    (target || document.querySelector("[data-counts]")).focus();
    focusedRow = null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    last = "";
    var counts = document.querySelector("[data-counts]");
    if (counts) { last = counts.textContent.replace(/\s+/g, " ").trim(); }
  });
  document.addEventListener("htmx:beforeSwap", rememberFocus);
  document.addEventListener("htmx:afterSettle", function () {
    restoreFocus();
    announce();
  });
})();
