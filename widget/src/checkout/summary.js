// The order summary: lines, the discount code, and every cost (subtotal, discount, shipping,
// taxes, total) before the pay button, so nothing appears for the first time at the end.
// A side column on wide screens; on phones a bar at the top with the total always visible
// that expands to the full summary.
import { applyCode, isStale, removeCode, removeItem, setQuantity } from "./cart.js";
import { clock, countdown, expiryStage } from "./countdown.js";
import { announce } from "./dialog.js";
import { h, icon, listen, uid } from "./dom.js";
import { thumbnail } from "./drawer.js";
import { field } from "./fields.js";
import { buyable, cartTotals } from "./figures.js";
import { money } from "./format.js";
import { problem } from "./messages.js";

const row = (label, value, className = "") =>
  h("div", { class: `kc-row ${className}` }, h("dt", {}, label), h("dd", {}, value));

/** Totals rows for `totals` (a quote's or an order's); `shippingKnown` false shows a hint. */
export function totalsRows(totals, price, discountCode, shippingLabel = "Shipping") {
  const rows = [row("Subtotal", price(totals.subtotal))];
  if (totals.discount > 0) {
    rows.push(row(["Discount", discountCode ? ` (${discountCode})` : ""], `−${price(totals.discount)}`, "kc-saving"));
  }
  rows.push(
    row(
      shippingLabel,
      totals.shipping == null ? "Enter your address" : totals.shipping ? price(totals.shipping) : "Free",
    ),
  );
  const taxLabel = totals.tax_label || "Tax";
  if (!totals.prices_include_tax && totals.tax != null) rows.push(row(taxLabel, price(totals.tax)));
  rows.push(row("Total", price(totals.total), "kc-grand"));
  if (totals.prices_include_tax && totals.tax > 0) {
    rows.push(
      h(
        "div",
        { class: "kc-incl" },
        h("dt", { class: "kc-sr" }, taxLabel),
        h("dd", {}, `Including ${price(totals.tax)} ${taxLabel}`),
      ),
    );
  }
  return rows;
}

/** The discount code: apply / remove, the server's message shown inline. */
function discountCode(onChange) {
  const code = field({
    label: "Discount code",
    name: "code",
    autocomplete: "off",
    autocapitalize: "characters",
    markOptional: false,
  });
  const applyButton = h("button", { type: "button", class: "kc-btn kc-secondary", onclick: () => apply() }, "Apply");
  listen(code.control, "keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      apply();
    }
  });
  const applied = h("div", { class: "kc-applied", hidden: true });
  const el = h("div", { class: "kc-code" }, h("div", { class: "kc-code-row" }, code.el, applyButton), applied);

  let applying = false;
  async function apply() {
    const text = code.value();
    if (!text) return code.show("Enter a discount code.");
    if (applying) return;
    applying = true;
    applyButton.setAttribute("aria-busy", "true");
    try {
      await applyCode(text);
      code.control.value = "";
      code.show("");
      onChange(`Discount code ${text.toUpperCase()} applied.`);
    } catch (error) {
      if (isStale(error)) return; // ordered meanwhile
      code.show(problem(error));
      code.focus();
    } finally {
      applying = false;
      applyButton.removeAttribute("aria-busy");
    }
  }

  async function remove(label) {
    try {
      await removeCode();
      onChange(`Discount code ${label} removed.`);
      code.focus();
    } catch (error) {
      if (!isStale(error)) code.show(problem(error));
    }
  }

  // The cart keeps a code that no longer applies (expired, minimum not met…): it shows struck
  // through, with the server's reason on the field, until it is removed or paid without.
  let refusalShown = false;
  function render(cart, refusal, price) {
    if (refusal) code.show(refusal);
    else if (refusalShown) code.show("");
    refusalShown = Boolean(refusal);
    const discount = cart.discount;
    const name = discount?.code || cart.discount_code;
    applied.hidden = !name;
    if (!name) return applied.replaceChildren();
    applied.replaceChildren(
      h(
        "span",
        { class: discount ? "kc-chip" : "kc-chip kc-chip-off" },
        icon("tag"),
        name,
        discount?.label ? h("span", {}, ` · ${discount.label}`) : "",
        h(
          "button",
          {
            type: "button",
            class: "kc-chip-x",
            "aria-label": `Remove discount code ${name}`,
            onclick: () => remove(name),
          },
          icon("close"),
        ),
      ),
      !discount
        ? "Not applied"
        : discount.amount > 0
          ? h("span", { class: "kc-save" }, `You save ${price(discount.amount)}`)
          : "",
    );
  }

  return { el, field: code, render };
}

/** The summary's lines; `errors` holds a line's message (sku → message) until the next render. */
function summaryLines(onChange) {
  const el = h("ul", { class: "kc-sum-lines", "aria-label": "Items" });
  const errors = new Map();

  // When a line asks for more than is left, offer the quantity that can be bought.
  function fixStock(item) {
    const left = buyable(item);
    if (left == null) return null;
    const label = left ? `Change to ${left}` : "Remove";
    return h(
      "button",
      {
        type: "button",
        class: "kc-link",
        "aria-label": left ? `Change quantity of ${item.name} to ${left}` : `Remove ${item.name}`,
        onclick: async () => {
          try {
            await (left ? setQuantity(item.sku, left) : removeItem(item.sku));
            errors.delete(item.sku);
            onChange(left ? `${item.name}: quantity ${left}.` : `${item.name} removed.`);
          } catch (error) {
            if (isStale(error)) return;
            errors.set(item.sku, problem(error));
            onChange(problem(error));
          }
        },
      },
      label,
    );
  }

  function line(item, price) {
    const message = errors.get(item.sku);
    return h(
      "li",
      { class: "kc-sum-line" },
      h(
        "span",
        { class: "kc-sum-media" },
        thumbnail(item),
        h("span", { class: "kc-badge", "aria-hidden": "true" }, item.quantity),
      ),
      h(
        "span",
        { class: "kc-sum-main" },
        h("span", { class: "kc-name" }, item.name),
        item.variant && h("span", { class: "kc-variant" }, item.variant),
        h("span", { class: "kc-unit" }, `${item.quantity} × ${price(item.unit_price)}`),
        message && h("span", { class: "kc-err", role: "alert" }, icon("alert"), message),
        fixStock(item),
      ),
      h("span", { class: "kc-line-total" }, price(item.subtotal)),
    );
  }

  return { el, errors, render: (items, price) => el.replaceChildren(...items.map((item) => line(item, price))) };
}

/**
 * A claimed offer's code runs out: its time left ticks under the totals (role="timer": not
 * read out every second). Screen readers hear it at 5 and at 1 minute left; at the end
 * `onChange` asks for the totals again (the code no longer applies). On phones the summary is
 * folded away: the form shows `recap` by the Pay button too.
 */
function offerClock(onChange) {
  let stop = () => {};
  let stage = []; // [expires_at, expiryStage()]
  const recapTimer = h("span", { role: "timer" });
  const recap = h("p", { class: "kc-recap-clock", hidden: true }, "Offer expires in ", recapTimer);
  function row(expiresAt) {
    const timer = h("span", { role: "timer" }); // (a role on the <dd> would break the list)
    stop = countdown(expiresAt, (left) => {
      timer.textContent = recapTimer.textContent = left ? clock(left) : "Expired";
      const now = expiryStage(left);
      if (stage[0] === expiresAt && now > stage[1]) {
        if (now === 3) onChange("Your offer has expired.");
        else announce(`Your offer expires in ${now === 1 ? "5 minutes" : "1 minute"}.`);
      }
      stage = [expiresAt, now];
    });
    return h("div", { class: "kc-row kc-expiry" }, h("dt", {}, "Offer expires in"), h("dd", {}, timer));
  }
  return { recap, row, stop: () => stop() };
}

/** `onChange(message)` runs after the shopper changed the discount or a line (to re-quote). */
export function orderSummary({ locale, onChange }) {
  let currency = "";
  const price = (amount) => money(amount, currency, locale);
  const headingId = uid("summary");
  const bodyId = uid("summary-body");
  const toggleTotal = h("span", { class: "kc-toggle-total" });
  const toggleText = h("span", {}, "Show order summary");
  const toggle = h(
    "button",
    {
      type: "button",
      class: "kc-toggle",
      "aria-expanded": "false",
      "aria-controls": bodyId,
      onclick: () => expand(toggle.getAttribute("aria-expanded") !== "true"),
    },
    icon("bag"),
    toggleText,
    icon("chevron", "kc-i kc-chevron"),
    toggleTotal,
  );
  // On phones the summary is collapsed behind this toggle (the total stays visible on it).
  function expand(open = true) {
    toggle.setAttribute("aria-expanded", open);
    el.classList.toggle("kc-expanded", open);
    toggleText.textContent = open ? "Hide order summary" : "Show order summary";
  }
  const lines = summaryLines(onChange);
  const code = discountCode(onChange);
  const offer = offerClock(onChange);
  const totals = h("dl", { class: "kc-totals" });
  const body = h(
    "div",
    { class: "kc-sum-body", id: bodyId },
    h("h2", { id: headingId, class: "kc-sum-title" }, "Order summary"),
    lines.el,
    code.el,
    totals,
  );
  const el = h("aside", { class: "kc-summary", "aria-labelledby": headingId }, toggle, body);

  return {
    el,
    expand,
    /** Stop the offer's clock (the checkout closed, or the order is placed). */
    stop: offer.stop,
    recapClock: offer.recap,
    codeField: code.field,
    /** Mark a line with the server's message (e.g. out of stock) until the next render. */
    lineError: (sku, message) => lines.errors.set(sku, message),
    clearLineErrors: () => lines.errors.clear(),
    /**
     * Show `cart` and, when there is one, `quote` (its totals); before a quote, shipping shows
     * as "Enter your address".
     */
    render(cart, quote) {
      currency = cart.currency;
      lines.render(cart.items, price);
      code.render(cart, (quote || cart).discount_error?.message, price);
      const figures = quote?.totals || cartTotals(cart);
      const rows = totalsRows(figures, price, cart.discount?.code);
      offer.stop();
      const expiring = cart.discount?.expires_at > 0 && !quote?.discount_error;
      offer.recap.hidden = !expiring;
      // (under the discount's row, or under the subtotal for free shipping)
      if (expiring) rows.splice(figures.discount > 0 ? 2 : 1, 0, offer.row(cart.discount.expires_at));
      totals.replaceChildren(...rows);
      toggleTotal.textContent = price(figures.total);
    },
  };
}
