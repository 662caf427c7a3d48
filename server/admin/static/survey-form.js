// Keepcart admin, survey form: the live preview follows the form, saved or not. Loaded under
// the admin's strict CSP (no inline script); admin.js keeps the merchant's focus out of the
// preview's frame and shows only the fields the chosen moments and question types use. What
// the form submits never changes.
(function () {
  "use strict";

  var form = document.getElementById("survey-form");
  var frame = document.getElementById("survey-preview");
  if (!form || !frame) return;
  var opener = document.getElementById("survey-preview-open");
  var base = frame.getAttribute("data-preview-base");
  var timer = null;

  function previewUrl() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      // Empty fields stay out: the URL stays short, and a blank field reads as empty anyway.
      if (name !== "csrf_token" && typeof value === "string" && value !== "") {
        params.append(name, value);
      }
    });
    // The preview reads the form only when the first question is in it (see preview.py).
    if (!params.has("q1_prompt")) params.set("q1_prompt", "");
    return base + "?" + params.toString();
  }

  function refresh() {
    timer = null;
    var url = previewUrl();
    if (frame.getAttribute("src") !== url) frame.setAttribute("src", url);
    if (opener) opener.setAttribute("href", url);
  }

  // Debounced: typing a question reloads the preview once the merchant pauses.
  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
