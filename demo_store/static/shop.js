// Fernhill Goods storefront behaviour.
//
// Keepcart reads `data-keepcart-add` (the SKU) and `data-keepcart-qty` from an
// add-to-cart button when it is clicked. The shop's only job is to keep those two
// attributes in step with the variant picker and quantity field next to the button.
// Loaded as a same-origin file because the pages forbid inline scripts (CSP).
(function () {
  "use strict";

  var MIN_QTY = 1;
  var MAX_QTY = 99;

  function targetButton(control, attribute) {
    var id = control.getAttribute(attribute);
    return id ? document.getElementById(id) : null;
  }

  function clampQuantity(raw) {
    var qty = parseInt(raw, 10);
    if (isNaN(qty)) return MIN_QTY;
    return Math.min(MAX_QTY, Math.max(MIN_QTY, qty));
  }

  // <select data-variant-for="button-id">: the selected option's value is the variant SKU.
  function bindVariantPicker(select) {
    var button = targetButton(select, "data-variant-for");
    if (!button) return;
    function sync() {
      button.setAttribute("data-keepcart-add", select.value);
    }
    select.addEventListener("change", sync);
    // The browser may restore a previous choice on back/forward navigation.
    sync();
  }

  // <input data-qty-for="button-id">: a whole number between MIN_QTY and MAX_QTY.
  function bindQuantityField(input) {
    var button = targetButton(input, "data-qty-for");
    if (!button) return;
    function sync() {
      button.setAttribute("data-keepcart-qty", String(clampQuantity(input.value)));
    }
    input.addEventListener("input", sync);
    input.addEventListener("change", function () {
      input.value = String(clampQuantity(input.value));
      sync();
    });
    sync();
  }

  // The privacy banner (shown when the shop asks for consent): the shopper's answer is
  // remembered by the shop and handed to Keepcart on every page.
  var CONSENT_KEY = "fernhill:analytics-consent";

  function bindConsentBanner(banner) {
    var answer = null;
    try { answer = localStorage.getItem(CONSENT_KEY); } catch (e) { /* storage blocked */ }
    if (answer === "yes") window.keepcart("consent", true);
    if (answer === null) banner.hidden = false;
    banner.addEventListener("click", function (event) {
      var choice = event.target.closest("[data-consent-choice]");
      if (!choice) return;
      answer = choice.getAttribute("data-consent-choice");
      try { localStorage.setItem(CONSENT_KEY, answer); } catch (e) { /* storage blocked */ }
      window.keepcart("consent", answer === "yes");
      banner.hidden = true;
    });
  }

  // The header cart count, kept live by Keepcart's cart:change callback.
  function bindCartCount(button) {
    var badge = button.querySelector("[data-cart-count]");
    window.keepcart("on", "cart:change", function (cart) {
      var count = cart && typeof cart.count === "number" ? cart.count : 0;
      badge.textContent = String(count);
      badge.hidden = count === 0;
      if (count > 0) {
        button.setAttribute("aria-label", "Cart, " + count + (count === 1 ? " item" : " items"));
      } else {
        button.removeAttribute("aria-label");
      }
    });
  }

  // <select data-sort-grid="list-id">: reorders the list's cards by their data-price
  // ("featured" restores the catalogue order). Moves the existing cards; nothing is reloaded.
  function bindSort(select) {
    var list = document.getElementById(select.getAttribute("data-sort-grid"));
    if (!list) return;
    var featured = Array.prototype.slice.call(list.children);
    function price(card) {
      return Number(card.getAttribute("data-price")) || 0;
    }
    function sort() {
      var cards = featured.slice();
      if (select.value === "price-asc") cards.sort(function (a, b) { return price(a) - price(b); });
      if (select.value === "price-desc") cards.sort(function (a, b) { return price(b) - price(a); });
      cards.forEach(function (card) { list.appendChild(card); });
    }
    select.addEventListener("change", sort);
    sort(); // the browser may restore a previous choice on back/forward navigation
  }

  function init() {
    document.querySelectorAll("select[data-sort-grid]").forEach(bindSort);
    document.querySelectorAll("select[data-variant-for]").forEach(bindVariantPicker);
    document.querySelectorAll("input[data-qty-for]").forEach(bindQuantityField);
    var cartButton = document.querySelector(".cart-button[data-keepcart-open]");
    if (cartButton) bindCartCount(cartButton);
    var banner = document.querySelector("[data-consent-banner]");
    if (banner) bindConsentBanner(banner);
    // A product page tells Keepcart a product was viewed: a step of the admin's funnel.
    var product = document.querySelector("[data-product-sku]");
    if (product) window.keepcart("track", "product_view", { sku: product.getAttribute("data-product-sku") });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
