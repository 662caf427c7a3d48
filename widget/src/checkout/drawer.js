// The cart drawer: a side sheet (full width on phones) with the cart's lines, quantity
// steppers, the free-shipping progress, the applied code, the subtotal and the way to checkout.
import { EV_CHECKOUT_CLOSE, EV_CHECKOUT_OPEN } from "../constants.js";
import { badgeSlot } from "./badges.js";
import { getCart, isStale, removeItem, setQuantity, subscribe } from "./cart.js";
import { clock, countdown } from "./countdown.js";
import { announce, sheet } from "./dialog.js";
import { h, icon, showAlert, uid } from "./dom.js";
import { api, storeLocale } from "./env.js";
import { atMost, discountRow, freeShippingLine, lineName, typedQuantity } from "./figures.js";
import { itemCount, money } from "./format.js";
import { problem } from "./messages.js";
import { loadSetup } from "./setup.js";

const VIEW = { view: "cart" };

/** The product image, or a neutral tile when there is none. */
export function thumbnail(item, className = "kc-thumb") {
  const url = typeof item.image_url === "string" && /^(https?:\/\/|\/)/.test(item.image_url) && item.image_url;
  return url
    ? h("img", { class: className, src: url, alt: "", width: 64, height: 64, loading: "lazy", decoding: "async" })
    : h("span", { class: `${className} kc-thumb-none` }, icon("bag"));
}

/** A line's elements; `changeQuantity(row, quantity)` runs when the shopper changes it. */
function lineRow(changeQuantity) {
  const row = {};
  // From the quantity last asked for: a second tap while the first is on its way adds one more.
  const step = (delta, button) =>
    button.getAttribute("aria-disabled") !== "true" && changeQuantity(row, (row.wanted ?? row.item.quantity) + delta);
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
      const quantity = typedQuantity(row.qty.value);
      if (quantity != null) {
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

/** Show `item` in `row` (made by lineRow), prices by `price`. */
function updateRow(row, item, price) {
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
  if (row.qty !== api.root.activeElement) row.qty.value = row.wanted ?? item.quantity;
  // aria-disabled, not disabled: a disabled button would drop keyboard focus.
  row.plus.setAttribute("aria-disabled", String(atMost(item)));
  row.total.textContent = price(item.subtotal);
}

/**
 * The cart's lines, updated in place so focus and the reader's place stay put. The drawer's
 * `busy(task)` runs a change, `showError(message)` tells one that no line can, `rerender()`
 * puts the lines back as the server has them.
 */
function cartLines(busy, showError, rerender) {
  const el = h("ul", { class: "kc-lines", "aria-label": "Items in your cart" });
  const rows = new Map(); // sku → row

  async function changeQuantity(row, quantity) {
    const { item } = row;
    const name = item.name;
    row.error.hidden = true;
    showError("");
    row.wanted = quantity;
    try {
      const cart = await busy(async () => {
        try {
          return await (quantity > 0 ? setQuantity(item.sku, quantity) : removeItem(item.sku));
        } finally {
          if (row.wanted === quantity) row.wanted = undefined; // the last one asked: the server's now
        }
      });
      const summary = `Cart: ${itemCount(cart?.item_count || 0)}`;
      announce(quantity > 0 ? `${name}: quantity ${quantity}. ${summary}` : `${name} removed. ${summary}`);
    } catch (error) {
      rerender(); // put the stepper back to the server's quantity
      if (isStale(error)) return; // the cart was ordered or replaced meanwhile
      if (rows.get(item.sku) === row) {
        row.error.textContent = problem(error);
        row.error.hidden = false;
      } else showError(problem(error));
      announce(problem(error));
    }
  }

  return {
    el,
    /** Show `items`; true when the line that had focus went away. */
    render(items, price) {
      const seen = new Set();
      let lostFocus = false;
      items.forEach((item, index) => {
        let row = rows.get(item.sku);
        if (!row) {
          row = lineRow(changeQuantity);
          rows.set(item.sku, row);
        }
        updateRow(row, item, price);
        seen.add(item.sku);
        if (el.children[index] !== row.li) el.insertBefore(row.li, el.children[index] || null);
      });
      for (const [sku, row] of rows) {
        if (seen.has(sku)) continue;
        lostFocus ||= row.li.contains(api.root.activeElement);
        row.li.remove();
        rows.delete(sku);
      }
      return lostFocus;
    },
  };
}

/** The free-shipping progress: words and a meter (see freeShippingLine). */
function freeShippingMeter() {
  const text = h("p", {});
  const meter = h("progress", { class: "kc-meter", "aria-hidden": "true" });
  const el = h("div", { class: "kc-free", hidden: true }, icon("truck"), h("div", {}, text, meter));
  return {
    el,
    render(info, price) {
      const line = freeShippingLine(info, price);
      el.hidden = !line;
      if (!line) return;
      text.textContent = line.text;
      meter.max = line.max;
      meter.value = line.value;
    },
  };
}

/** The drawer's foot: subtotal, the code (and its clock), the note and the checkout button. */
function cartFoot(checkout) {
  const totals = h("dl", { class: "kc-totals" });
  const note = h("p", { class: "kc-note" }, "Shipping and taxes are calculated at checkout.");
  const button = h(
    "button",
    { type: "button", class: "kc-btn kc-primary", onclick: checkout },
    icon("lock"),
    "Checkout",
  );
  // A claimed offer's code on an empty cart: shown with its countdown, waiting for an item.
  const waiting = h("p", { class: "kc-note" }, "Your code applies as soon as you add something.");
  const badges = badgeSlot("drawer");
  const el = h("div", { class: "kc-foot" }, totals, badges?.el, note, waiting, button);

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

  function renderTotals(cart, price) {
    const rowsOut = [];
    const discount = cart.discount;
    stopClock();
    const lines = cart.items?.length > 0;
    if (lines) rowsOut.push(h("div", { class: "kc-row" }, h("dt", {}, "Subtotal"), h("dd", {}, price(cart.subtotal))));
    if (discount) {
      const [term, value] = discountRow(discount, lines, price);
      rowsOut.push(h("div", { class: "kc-row kc-saving" }, h("dt", {}, icon("tag"), term), h("dd", {}, value)));
      if (discount.expires_at > 0) rowsOut.push(expiryRow(discount.expires_at));
    }
    totals.replaceChildren(...rowsOut);
  }

  return {
    el,
    note,
    badges,
    /** Show `cart` (null: none yet) with its `items` (an empty list for none). */
    render(cart, items, price) {
      el.hidden = items.length === 0 && !cart?.discount;
      note.hidden = button.hidden = items.length === 0;
      waiting.hidden = !note.hidden;
      if (cart) renderTotals(cart, price);
    },
  };
}

/** The sheet's contents: the busy bar, the heading (`title`, a close button), `scroll`ing content, the foot. */
const drawerPanel = (busyBar, title, close, scroll, foot) =>
  h(
    "div",
    { class: "kc-panel" },
    busyBar,
    h(
      "div",
      { class: "kc-head" },
      title,
      h("button", { type: "button", class: "kc-x", "aria-label": "Close cart", onclick: close }, icon("close")),
    ),
    h("div", { class: "kc-scroll" }, ...scroll),
    foot,
  );

export function createDrawer({ onCheckout }) {
  const titleId = uid("cart");
  const count = h("span", { class: "kc-count" });
  const title = h("h2", { id: titleId, class: "kc-title", tabindex: "-1" }, "Your cart ", count);
  const alert = h("p", { class: "kc-alert", role: "alert", hidden: true });
  // What a cart rebuilt from a reminder's link changed (a price, an item gone): the server
  // says it once; it stays for the page.
  const notices = h("p", { class: "kc-note", role: "status" });
  const close = () => drawer.close();
  const showError = (message) => showAlert(alert, message);
  const freeShipping = freeShippingMeter();
  const lines = cartLines(busy, showError, () => render(getCart()));
  const empty = h(
    "div",
    { class: "kc-empty", hidden: true },
    icon("bag", "kc-empty-i"),
    h("p", {}, "Your cart is empty."),
    h("button", { type: "button", class: "kc-btn kc-secondary", onclick: close }, "Continue shopping"),
  );
  const foot = cartFoot(() => onCheckout(drawer.opener));
  const busyBar = h("div", { class: "kc-busy", hidden: true });
  const drawer = sheet({
    className: "kc-drawer",
    labelledBy: titleId,
    lightDismiss: true,
    onClose: () => api.emit(EV_CHECKOUT_CLOSE, VIEW),
  });
  const scroll = [alert, notices, freeShipping.el, lines.el, empty];
  drawer.el.append(drawerPanel(busyBar, title, close, scroll, foot.el));

  let pending = 0;
  const locale = storeLocale();
  const price = (amount) => money(amount, getCart()?.currency || api.config.store?.currency, locale);

  async function busy(task) {
    pending++;
    busyBar.hidden = false;
    lines.el.setAttribute("aria-busy", "true");
    render(getCart());
    try {
      return await task();
    } finally {
      if (!--pending) {
        busyBar.hidden = true;
        lines.el.removeAttribute("aria-busy");
        render(getCart());
      }
    }
  }

  function render(cart) {
    const items = cart?.items || [];
    const quantity = cart?.item_count || 0;
    count.textContent = quantity ? `(${quantity})` : "";
    if (Array.isArray(cart?.notices)) notices.textContent = cart.notices.join(" ");
    if (lines.render(items, price)) title.focus();
    empty.hidden = items.length > 0 || pending > 0;
    lines.el.hidden = items.length === 0;
    foot.render(cart, items, price);
    if (cart) freeShipping.render(items.length && cart.free_shipping, price);
    else freeShipping.el.hidden = true;
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
      foot.badges?.show();
      api.emit(EV_CHECKOUT_OPEN, VIEW);
      loadSetup()
        .then((setup) => {
          foot.note.textContent = setup.prices_include_tax
            ? "Taxes included. Shipping is calculated at checkout."
            : "Shipping and taxes are calculated at checkout.";
        })
        .catch(() => {});
    },
  });
}
