// Keepcart admin, survey form: the live preview follows the form, saved or not. Loaded under
// the admin's strict CSP (no inline script); admin.js shows only the fields the chosen moments
// and question types use. What the form submits never changes.
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

  // The preview's survey may take the focus inside its frame as it opens. The merchant keeps
  // theirs: when the frame takes it without the pointer over it or a Tab into it, it goes
  // back to the field they were in.
  var lastField = null;
  var tabbing = false;
  form.addEventListener("focusin", function (event) {
    lastField = event.target;
    tabbing = false;
  });
  document.addEventListener("keydown", function (event) {
    tabbing = event.key === "Tab";
  });
  window.addEventListener("blur", function () {
    setTimeout(function () {
      var taken = document.activeElement === frame && !frame.matches(":hover");
      if (taken && !tabbing && lastField && lastField.isConnected) lastField.focus();
    }, 0);
  });

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
