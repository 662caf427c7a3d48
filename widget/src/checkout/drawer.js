// The cart drawer: a side sheet (full width on phones) with the cart's lines, quantity
// steppers, the free-shipping progress, the applied code, the subtotal and the way to checkout.
import { EV_CHECKOUT_CLOSE, EV_CHECKOUT_OPEN } from "../constants.js";
import { getCart, isStale, removeItem, setQuantity, subscribe } from "./cart.js";
import { clock, countdown } from "./countdown.js";
import { announce, sheet } from "./dialog.js";
import { h, icon, uid } from "./dom.js";
import { api, storeLocale } from "./env.js";
import { itemCount, money } from "./format.js";
import { problem } from "./messages.js";
import { loadSetup } from "./setup.js";

const VIEW = { view: "cart" };
const MAX_QUANTITY = 999;

/** "Stoneware Mug" or "Linen Apron (Size: Small)": what a line is called in labels. */
export const lineName = (item) => (item.variant ? `${item.name} (${item.variant})` : item.name);

/** The product image, or a neutral tile when there is none. */
export function thumbnail(item, className = "kc-thumb") {
  const url = typeof item.image_url === "string" && /^(https?:\/\/|\/)/.test(item.image_url) && item.image_url;
  return url
    ? h("img", { class: className, src: url, alt: "", width: 64, height: 64, loading: "lazy", decoding: "async" })
    : h("span", { class: `${className} kc-thumb-none` }, icon("bag"));
}

export function createDrawer({ onCheckout }) {
  const titleId = uid("cart");
  const count = h("span", { class: "kc-count" });
  const title = h("h2", { id: titleId, class: "kc-title", tabindex: "-1" }, "Your cart ", count);
  const alert = h("p", { class: "kc-alert", role: "alert", hidden: true });
  const meterText = h("p", {});
  const meter = h("progress", { class: "kc-meter", "aria-hidden": "true" });
  const freeShipping = h("div", { class: "kc-free", hidden: true }, icon("truck"), h("div", {}, meterText, meter));
  const list = h("ul", { class: "kc-lines", "aria-label": "Items in your cart" });
  const empty = h(
    "div",
    { class: "kc-empty", hidden: true },
    icon("bag", "kc-empty-i"),
    h("p", {}, "Your cart is empty."),
    h("button", { type: "button", class: "kc-btn kc-secondary", onclick: () => drawer.close() }, "Continue shopping"),
  );
  const totals = h("dl", { class: "kc-totals" });
  const note = h("p", { class: "kc-note" }, "Shipping and taxes are calculated at checkout.");
  const checkoutButton = h(
    "button",
    { type: "button", class: "kc-btn kc-primary", onclick: () => onCheckout(drawer.opener) },
    icon("lock"),
    "Checkout",
  );
  // A claimed offer's code on an empty cart: shown with its countdown, waiting for an item.
  const waiting = h("p", { class: "kc-note" }, "Your code applies as soon as you add something.");
  const foot = h("div", { class: "kc-foot" }, totals, note, waiting, checkoutButton);
  const busyBar = h("div", { class: "kc-busy", hidden: true });
  const drawer = sheet({
    className: "kc-drawer",
    labelledBy: titleId,
    lightDismiss: true,
    onClose: () => api.emit(EV_CHECKOUT_CLOSE, VIEW),
  });
  drawer.el.append(
    h(
      "div",
      { class: "kc-panel" },
      busyBar,
      h(
        "div",
        { class: "kc-head" },
        title,
        h(
          "button",
          { type: "button", class: "kc-x", "aria-label": "Close cart", onclick: () => drawer.close() },
          icon("close"),
        ),
      ),
      h("div", { class: "kc-scroll" }, alert, freeShipping, list, empty),
      foot,
    ),
  );

  const rows = new Map(); // sku → row
  let pending = 0;
  const locale = storeLocale();
  const price = (amount) => money(amount, getCart()?.currency || api.config.store?.currency, locale);

  function showError(message) {
    alert.hidden = !message;
    alert.replaceChildren(...(message ? [icon("alert"), message] : []));
  }

  async function busy(task) {
    pending++;
    busyBar.hidden = false;
    list.setAttribute("aria-busy", "true");
    render(getCart());
    try {
      return await task();
    } finally {
      if (!--pending) {
        busyBar.hidden = true;
        list.removeAttribute("aria-busy");
        render(getCart());
      }
    }
  }

  async function changeQuantity(row, quantity) {
    const { item } = row;
    const name = item.name;
    row.error.hidden = true;
    showError("");
    try {
      const cart = await busy(() => (quantity > 0 ? setQuantity(item.sku, quantity) : removeItem(item.sku)));
      const summary = `Cart: ${itemCount(cart?.item_count || 0)}`;
      announce(quantity > 0 ? `${name}: quantity ${quantity}. ${summary}` : `${name} removed. ${summary}`);
    } catch (error) {
      render(getCart()); // put the stepper back to the server's quantity
      if (isStale(error)) return; // the cart was ordered or replaced meanwhile
      if (rows.get(item.sku) === row) {
        row.error.textContent = problem(error);
        row.error.hidden = false;
      } else showError(problem(error));
      announce(problem(error));
    }
  }

  function makeRow() {
    const row = {};
    const step = (delta, button) =>
      button.getAttribute("aria-disabled") !== "true" && changeQuantity(row, row.item.quantity + delta);
    row.media = h("span", { class: "kc-media" });
    row.name = h("p", { class: "kc-name" });
    row.variant = h("p", { class: "kc-variant" });
    row.unit = h("p", { class: "kc-unit" });
    row.minus = h("button", { type: "button", class: "kc-step", onclick: () => step(-1, row.minus) }, icon("minus"));
    row.plus = h("button", { type: "button", class: "kc-step", onclick: () => step(1, row.plus) }, icon("plus"));
    row.qty = h("input", {
      class: "kc-qty",
      type: "text",
      inputmode: "numeric",
      autocomplete: "off",
      onchange: () => {
        const quantity = Number(row.qty.value.trim());
        if (Number.isInteger(quantity) && quantity >= 0 && quantity <= MAX_QUANTITY) {
          if (quantity !== row.item.quantity) changeQuantity(row, quantity);
        } else row.qty.value = row.item.quantity;
      },
      onkeydown: (event) => event.key === "Enter" && row.qty.blur(),
    });
    row.total = h("p", { class: "kc-line-total" });
    row.remove = h("button", { type: "button", class: "kc-link", onclick: () => changeQuantity(row, 0) }, "Remove");
    row.error = h("p", { class: "kc-err", role: "alert", hidden: true });
    row.li = h(
      "li",
      { class: "kc-line" },
      row.media,
      h(
        "div",
        { class: "kc-line-main" },
        row.name,
        row.variant,
        row.unit,
        h(
          "div",
          { class: "kc-line-actions" },
          h("div", { class: "kc-stepper", role: "group" }, row.minus, row.qty, row.plus),
          row.remove,
        ),
        row.error,
      ),
      row.total,
    );
    return row;
  }

  function updateRow(row, item) {
    const previous = row.item;
    row.item = item;
    const name = lineName(item);
    if (previous?.image_url !== item.image_url) row.media.replaceChildren(thumbnail(item));
    row.name.textContent = item.name;
    row.variant.textContent = item.variant || "";
    row.variant.hidden = !item.variant;
    const compare = item.compare_at_price > item.unit_price && h("s", {}, price(item.compare_at_price));
    row.unit.replaceChildren(price(item.unit_price), compare ? " " : "", compare || "");
    row.stepperLabel ||= row.minus.parentNode;
    row.stepperLabel.setAttribute("aria-label", `Quantity of ${name}`);
    row.minus.setAttribute("aria-label", `Decrease quantity of ${name}`);
    row.plus.setAttribute("aria-label", `Increase quantity of ${name}`);
    row.qty.setAttribute("aria-label", `Quantity of ${name}`);
    row.remove.setAttribute("aria-label", `Remove ${name}`);
    if (row.qty !== api.root.activeElement) row.qty.value = item.quantity;
    const soldOut = item.available != null && item.quantity >= item.available;
    // aria-disabled, not disabled: a disabled button would drop keyboard focus.
    row.plus.setAttribute("aria-disabled", String(soldOut || item.quantity >= MAX_QUANTITY));
    row.total.textContent = price(item.subtotal);
  }

  function renderLines(items) {
    const seen = new Set();
    let lostFocus = false;
    items.forEach((item, index) => {
      let row = rows.get(item.sku);
      if (!row) {
        row = makeRow();
        rows.set(item.sku, row);
      }
      updateRow(row, item);
      seen.add(item.sku);
      if (list.children[index] !== row.li) list.insertBefore(row.li, list.children[index] || null);
    });
    for (const [sku, row] of rows) {
      if (seen.has(sku)) continue;
      lostFocus ||= row.li.contains(api.root.activeElement);
      row.li.remove();
      rows.delete(sku);
    }
    if (lostFocus) title.focus();
  }

  // A claimed offer's coupon expires: its time left ticks under the discount line.
  let stopClock = () => {};
  function expiryRow(expiresAt) {
    // The timer role on a span: on the <dd> itself it would hide the term's definition.
    const timer = h("span", { role: "timer" });
    stopClock = countdown(expiresAt, (left) => {
      timer.textContent = left ? clock(left) : "Expired";
    });
    return h("div", { class: "kc-row kc-expiry" }, h("dt", {}, "Offer expires in"), h("dd", {}, timer));
  }

  function renderFooter(cart) {
    const rowsOut = [];
    const discount = cart.discount;
    stopClock();
    const lines = cart.items?.length > 0;
    if (lines) rowsOut.push(h("div", { class: "kc-row" }, h("dt", {}, "Subtotal"), h("dd", {}, price(cart.subtotal))));
    if (discount) {
      rowsOut.push(
        h(
          "div",
          { class: "kc-row kc-saving" },
          h("dt", {}, icon("tag"), `${discount.code}${discount.label ? ` · ${discount.label}` : ""}`),
          h("dd", {}, discount.amount > 0 ? `−${price(discount.amount)}` : lines ? "Applied" : "Saved"),
        ),
      );
      if (discount.expires_at > 0) rowsOut.push(expiryRow(discount.expires_at));
    }
    totals.replaceChildren(...rowsOut);
  }

  // Until the shopper has said where they live, this is the store's main zone's offer, told
  // as the store's offer; once they have, it is their country's (the server says which).
  function renderFreeShipping(info) {
    const valid = info && info.threshold > 0 && info.remaining >= 0;
    freeShipping.hidden = !valid;
    if (!valid) return;
    const to = info.destination || info.zone;
    const where = to ? ` to ${to}` : "";
    const left = info.remaining > 0;
    meterText.textContent = info.destination
      ? left
        ? `Add ${price(info.remaining)} more for free shipping${where}`
        : `You've got free shipping${where}`
      : left
        ? `Free shipping${where} on orders over ${price(info.threshold)}: add ${price(info.remaining)} more`
        : `Your order qualifies for free shipping${where}`;
    meter.max = info.threshold;
    meter.value = Math.max(0, info.threshold - info.remaining);
  }

  function render(cart) {
    const items = cart?.items || [];
    const quantity = cart?.item_count || 0;
    count.textContent = quantity ? `(${quantity})` : "";
    renderLines(items);
    empty.hidden = items.length > 0 || pending > 0;
    foot.hidden = items.length === 0 && !cart?.discount;
    note.hidden = checkoutButton.hidden = list.hidden = items.length === 0;
    waiting.hidden = !note.hidden;
    if (cart) {
      renderFooter(cart);
      renderFreeShipping(items.length && cart.free_shipping);
    } else freeShipping.hidden = true;
  }

  subscribe(render);
  render(getCart());

  return Object.assign(drawer, {
    busy,
    showError,
    /** Open the drawer (from `opener`, which gets focus back when it closes). */
    show(opener) {
      if (drawer.isOpen()) return;
      showError("");
      drawer.open(opener, title);
      api.emit(EV_CHECKOUT_OPEN, VIEW);
      loadSetup()
        .then((setup) => {
          note.textContent = setup.prices_include_tax
            ? "Taxes included. Shipping is calculated at checkout."
            : "Shipping and taxes are calculated at checkout.";
        })
        .catch(() => {});
    },
  });
}
