// Keepcart admin, campaign form: the live preview follows the form, saved or not.
// Loaded under the admin's strict CSP (no inline script): it only sets the iframe's URL.
(function () {
  "use strict";

  var frame = document.getElementById("offer-preview");
  if (!frame) return;
  var form = document.getElementById(frame.getAttribute("data-preview-form"));
  var chooser = document.getElementById("preview-variant");
  var opener = document.getElementById("offer-preview-open");
  var base = frame.getAttribute("data-preview-base");
  var timer = null;

  function previewUrl() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") params.append(name, value);
    });
    params.set("variant", chooser ? chooser.value : "A");
    return base + "?" + params.toString();
  }

  function refresh() {
    timer = null;
    var url = previewUrl();
    if (frame.getAttribute("src") !== url) frame.setAttribute("src", url);
    if (opener) opener.setAttribute("href", url);
  }

  // Debounced: typing a headline reloads the preview once the merchant pauses.
  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  if (chooser) chooser.addEventListener("change", refresh);
  refresh();
})();
