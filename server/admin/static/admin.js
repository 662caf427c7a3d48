// Keepcart admin: copy buttons and live activity counts. Loaded under a strict CSP.
(function () {
  "use strict";

  function copyFrom(id, status) {
    var text = document.getElementById(id).textContent;
    var done = function () { status.textContent = "Copied to the clipboard."; };
    var fail = function () {
      var range = document.createRange();
      range.selectNodeContents(document.getElementById(id));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = "Selected: press Ctrl+C (or ⌘C) to copy.";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fail);
    } else {
      fail();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var id = button.getAttribute("data-copy");
    copyFrom(id, document.querySelector('[data-copy-status="' + id + '"]'));
  });

  var activity = document.querySelector("[data-activity-url]");
  if (!activity) return;
  var url = activity.getAttribute("data-activity-url");
  function refresh() {
    if (document.hidden) return;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) return;
        activity.querySelectorAll("[data-stat]").forEach(function (node) {
          var value = String(counts[node.getAttribute("data-stat")]);
          if (node.textContent !== value) node.textContent = value;
        });
      })
      .catch(function () { /* offline for a moment: try again on the next tick */ });
  }
  setInterval(refresh, 3000);
  document.addEventListener("visibilitychange", refresh);
})();
