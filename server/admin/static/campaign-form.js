// Keepcart admin, campaign form: the live preview follows the form, saved or not, and the
// variant being edited; unused variants stay folded (admin.js shows only the fields the
// chosen trigger and offers use); each brand colour has a picker; each gift field searches the
// store's products. Loaded under the admin's strict CSP (no inline script). What the form
// submits never changes: hidden fields still submit.
(function () {
  "use strict";

  var form = document.getElementById("campaign-form");
  if (!form) return;

  // ---- unused variants: including one unfolds it, leaving it out folds it ------------------

  function foldWithInclude(event) {
    var box = event.target;
    if (!box.name || !/^variant_[A-Z]_include$/.test(box.name)) return;
    var details = box.closest("fieldset").querySelector("[data-variant-fields]");
    if (details) details.open = box.checked;
  }

  // ---- colour pickers, in step with the hex text that is submitted --------------------------

  var HEX = /^#[0-9a-fA-F]{6}$/;
  form.querySelectorAll("[data-colour-for]").forEach(function (picker) {
    var text = document.getElementById(picker.getAttribute("data-colour-for"));
    picker.hidden = false;
    picker.addEventListener("input", function () {
      text.value = picker.value;
      text.dispatchEvent(new Event("input", { bubbles: true }));
    });
    text.addEventListener("input", function () {
      if (HEX.test(text.value.trim())) picker.value = text.value.trim().toLowerCase();
    });
  });

  // ---- gift pickers: typing fills the field's datalist from the store's product search ------
  // The field is the SKU the form submits; without script the merchant types it and the
  // server checks it. Each search waits for a pause in the typing; a late answer to an older
  // search is dropped. The chosen product's name shows under the field.

  var GIFT_DELAY_MS = 200;
  form.querySelectorAll("[data-gift-search]").forEach(function (field) {
    var list = document.getElementById(field.getAttribute("list"));
    var label = document.getElementById(field.getAttribute("data-gift-name"));
    var names = {};
    var pending = null;
    var latest = 0;

    function show(products) {
      list.replaceChildren();
      products.forEach(function (product) {
        names[product.sku] = product.name;
        var option = document.createElement("option");
        option.value = product.sku;
        option.label = product.name;
        option.textContent = product.name;
        list.appendChild(option);
      });
      if (names[field.value.trim()] && label) label.textContent = names[field.value.trim()];
    }

    function search() {
      pending = null;
      var text = field.value.trim();
      var ticket = ++latest;
      if (!text) return show([]);
      var url = field.getAttribute("data-gift-search") + "?q=" + encodeURIComponent(text);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : { products: [] };
        })
        .then(function (body) {
          if (ticket === latest) show(body.products || []);
        })
        .catch(function () {}); // the field still takes a typed SKU
    }

    field.addEventListener("input", function () {
      if (label) label.textContent = names[field.value.trim()] || "";
      if (pending) clearTimeout(pending);
      pending = setTimeout(search, GIFT_DELAY_MS);
    });
  });

  // ---- the live preview: the unsaved form, as the variant being edited ---------------------

  var frame = document.getElementById("offer-preview");
  var chooser = document.getElementById("preview-variant");
  var opener = document.getElementById("offer-preview-open");
  var base = frame && frame.getAttribute("data-preview-base");
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
    if (!frame) return;
    var url = previewUrl();
    if (frame.getAttribute("src") !== url) frame.setAttribute("src", url);
    if (opener) opener.setAttribute("href", url);
  }

  // Debounced: typing a headline reloads the preview once the merchant pauses.
  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  }

  // Editing variant B's fields previews variant B.
  function followVariant(event) {
    var fieldset = event.target.closest && event.target.closest("[data-variant]");
    if (!fieldset || !chooser) return;
    var key = fieldset.getAttribute("data-variant");
    if (chooser.value !== key) {
      chooser.value = key;
      refresh();
    }
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", function (event) {
    foldWithInclude(event);
    schedule();
  });
  form.addEventListener("focusin", followVariant);
  if (chooser) chooser.addEventListener("change", refresh);
  refresh();
})();
