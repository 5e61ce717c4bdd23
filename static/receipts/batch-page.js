// The batch page: tell screen readers how far the batch has come, once per change (htmx
// replaces the progress section every second, which a live region inside it would not announce).
(function () {
  "use strict";

  var last = "";

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

  document.addEventListener("DOMContentLoaded", function () {
    last = "";
    var counts = document.querySelector("[data-counts]");
    if (counts) { last = counts.textContent.replace(/\s+/g, " ").trim(); }
  });
  document.addEventListener("htmx:afterSettle", announce);
})();
