// The confirmation screen, shown in the checkout dialog once the order is placed: its number,
// the email, items and totals, and what happens next (payment instructions, delivery estimate),
// and last an empty slot where the store's confirmation surveys appear (../chunks/surveys.js).
import { ATTR_SURVEY_SLOT } from "../constants.js";
import { h, icon, srOnly } from "./dom.js";
import { arrives, money } from "./format.js";
import { totalsRows } from "./summary.js";

const text = (value) => (typeof value === "string" ? value : "");

// The order's receipt page on Keepcart (status_url): it outlives this dialog, and links each
// item to its review once the order has shipped.
function receiptLink(url) {
  if (!/^https?:\/\//.test(text(url))) return null;
  return h(
    "p",
    { class: "kc-lead" },
    h(
      "a",
      { class: "kc-link", href: url, target: "_blank", rel: "noopener" },
      "View or save your receipt",
      srOnly(" (opens in a new tab)"),
    ),
    ": it follows your order, and once it has shipped you can review what you bought there.",
  );
}

function nextSteps(order, locale, price) {
  const steps = [];
  const payment = order.payment || {};
  if (order.status === "paid") {
    const card = payment.last4 ? `${text(payment.brand) || "card"} ending in ${payment.last4}` : "card";
    steps.push(h("li", {}, h("strong", {}, "Payment: "), `paid with ${card}.`));
  } else if (payment.instructions) {
    const due = order.totals ? ` Amount due: ${price(order.totals.total)}.` : "";
    steps.push(
      h(
        "li",
        {},
        h("strong", {}, "Payment: "),
        `${text(payment.instructions)}${due} Your order number is ${text(order.number)}.`,
      ),
    );
  }
  const when = arrives(order.delivery, locale);
  if (order.shipping_method || when) {
    steps.push(
      h("li", {}, h("strong", {}, "Delivery: "), [text(order.shipping_method), when].filter(Boolean).join(" · ")),
    );
  }
  const address = order.shipping_address;
  if (address && typeof address === "object") {
    const lines = ["name", "line1", "line2", "city", "postal_code"].map((key) => text(address[key])).filter(Boolean);
    if (lines.length) steps.push(h("li", {}, h("strong", {}, "Ship to: "), lines.join(", ")));
  }
  return steps;
}

/**
 * The confirmation for `order`; its heading has id `headingId`; `onDone` closes. `notice`:
 * something the shopper must know about the order (a code that wasn't applied, and why).
 */
export function confirmationView(order, { locale, currency, headingId, notice, onDone }) {
  const price = (amount) => money(amount, currency, locale);
  const paid = order.status === "paid";
  const items = Array.isArray(order.items) ? order.items : [];
  const heading = h(
    "h2",
    { id: headingId, class: "kc-done-title", tabindex: "-1" },
    paid ? "Thank you! Your order is confirmed" : "Thank you! Your order is placed",
  );
  const view = h(
    "div",
    { class: "kc-done-view" },
    h("span", { class: "kc-done-icon" }, icon("check")),
    heading,
    h(
      "p",
      { class: "kc-lead" },
      "Order ",
      h("strong", {}, `#${text(order.number)}`),
      order.email ? ` · ${text(order.email)}` : "",
    ),
    receiptLink(order.status_url),
    notice && h("p", { class: "kc-notice" }, icon("tag"), notice),
    h(
      "div",
      { class: "kc-box" },
      h("h3", {}, "What happens next"),
      h("ul", { class: "kc-next" }, nextSteps(order, locale, price)),
    ),
    h(
      "div",
      { class: "kc-box" },
      h("h3", {}, "Your order"),
      h(
        "ul",
        { class: "kc-sum-lines" },
        items.map((item) =>
          h(
            "li",
            { class: "kc-done-line" },
            h(
              "span",
              {},
              text(item.name),
              item.variant ? h("span", { class: "kc-variant" }, ` · ${text(item.variant)}`) : "",
              srOnly(","),
              ` × ${item.quantity}`,
            ),
            h("span", {}, price(item.subtotal)),
          ),
        ),
      ),
      order.totals && h("dl", { class: "kc-totals" }, totalsRows(order.totals, price, order.discount_code)),
    ),
    h("button", { type: "button", class: "kc-btn kc-primary", onclick: onDone }, "Continue shopping"),
    // Last, so nothing moves when the surveys chunk fills it; its value is the order's status
    // token (status_url's tail), which a confirmation survey's response is tied to.
    h("div", { [ATTR_SURVEY_SLOT]: text(order.status_url).split("/").pop() }),
  );
  return { view, heading };
}
