// The one-page checkout form: contact, shipping address, shipping method, payment, and the
// order summary beside it. Shipping options and totals come from the quote endpoint whenever
// the destination, method or discount changes; the server recomputes everything at checkout.

import { offerVisitor } from "../visitor.js";
import { addressSections } from "./address.js";
import { forgetCart, getCart, getToken, isStale, loadCart, quote, removeCode, setCountry } from "./cart.js";
import { readDetails } from "./details.js";
import { announce } from "./dialog.js";
import { h, icon, srOnly, uid } from "./dom.js";
import { api, safe } from "./env.js";
import { radioGroup, rules } from "./fields.js";
import { arrives, money } from "./format.js";
import { BUSY_PAY, NETWORK_PAY, problem, STILL_PLACING } from "./messages.js";
import { paymentSection, TEST_CARD } from "./payment.js";
import { isUncertain, placeOrder } from "./submit.js";
import { orderSummary } from "./summary.js";

const QUOTE_DELAY_MS = 250;
const CARD_ERRORS = ["card_declined", "insufficient_funds"];
const CART_GONE = ["cart_not_found", "invalid_cart", "cart_closed", "empty_cart"];

function section(title, ...content) {
  const id = uid("section");
  return h("section", { class: "kc-section", "aria-labelledby": id }, h("h3", { id }, title), ...content);
}

/**
 * Build the form for `setup`. `steps` is the progress list to keep up to date; `onPlaced(order,
 * details, remember)` runs once the order exists; `onEmpty()` when the cart is gone.
 */
export function checkoutForm(setup, { steps, onPlaced, onEmpty }) {
  const locale = setup.locale || api.config.store?.locale;
  const currency = setup.currency;
  const price = (amount) => money(amount, currency, locale);
  let lastQuote = null;
  let method = null; // the chosen shipping method's id
  let quoteTimer = 0;
  let quoteSeq = 0; // latest wins: only the newest quote's answer is shown
  let quoteAbort = null; // aborts the quote on its way
  let live = false; // the checkout is open: quotes may change the screen
  let paying = false;
  let placed = false; // the order exists: nothing here may change the screen any more

  const remembered = readDetails();
  const address = addressSections(setup, (countryChanged) => {
    if (countryChanged) {
      method = null; // methods belong to a shipping zone
      knowCountry();
    }
    requestQuote();
  });
  // The shopper has said where they live (picked a country, or filled in the address there):
  // the cart's free-shipping line speaks of that country from now on.
  const knowCountry = () => setCountry(address.fields["address.country"].value());
  const shipNote = h("p", { class: "kc-note kc-ship-note" }, "Loading shipping options…");
  const shipping = radioGroup({
    legend: "Shipping method",
    name: "ship",
    required: "Choose a shipping method.",
    onchange: (value) => {
      method = Number(value);
      requestQuote(true);
    },
  });
  const payment = paymentSection(setup, () => update());
  const summary = orderSummary({
    locale,
    onChange: (message) => {
      showFormError("");
      announce(message);
      requestQuote(true);
    },
  });
  const rememberId = uid("remember");
  const remember = h("input", {
    type: "checkbox",
    id: rememberId,
    checked: Boolean(remembered),
    "aria-describedby": `${rememberId}-hint`,
  });
  const formError = h("p", { class: "kc-alert", role: "alert", hidden: true });
  const payButton = h("button", { type: "submit", class: "kc-btn kc-primary kc-pay" }, "Pay");
  const recapTotal = h("span", {});
  const form = h(
    "form",
    {
      class: "kc-form",
      novalidate: true,
      onsubmit: (event) => submit(event),
      oninput: () => update(),
      onchange: () => update(),
    },
    section("Contact", address.contact),
    section("Shipping address", address.address),
    section("Shipping method", shipNote, shipping.el),
    section("Payment", payment.el),
    h(
      "div",
      { class: "kc-check" },
      remember,
      h(
        "div",
        {},
        h("label", { for: rememberId }, "Remember my details on this device"),
        h(
          "p",
          { class: "kc-hint", id: `${rememberId}-hint` },
          "Your contact and address stay in this browser. Never your card.",
        ),
      ),
    ),
    summary.recapClock,
    h("div", { class: "kc-recap" }, h("span", {}, "Total"), recapTotal),
    formError,
    payButton,
    h("p", { class: "kc-secure" }, icon("lock"), `Your details go only to ${api.config.store?.name || "the shop"}.`),
  );
  if (remembered) address.fill(remembered);

  /** A field by the server's name for it ("email", "address.postal_code", "code"…). */
  const fieldFor = (name) =>
    address.fields[name] || payment.fields[name] || { shipping_method: shipping, code: summary.codeField }[name];

  function showFormError(message) {
    formError.hidden = !message;
    formError.replaceChildren(...(message ? [icon("alert"), message] : []));
  }

  // Progress: Contact → Shipping → Payment, each complete when its fields are.
  function update() {
    if (address.addressDone()) knowCountry();
    const done = [address.contactDone(), address.addressDone() && Boolean(shipping.value()), payment.done()];
    const current = done.indexOf(false);
    [...steps.children].forEach((step, index) => {
      step.classList.toggle("kc-done", done[index]);
      step.querySelector(".kc-sr").textContent = done[index] ? " (complete)" : "";
      if (index === current) step.setAttribute("aria-current", "step");
      else step.removeAttribute("aria-current");
    });
    const total = lastQuote?.totals?.total;
    recapTotal.textContent = total != null ? price(total) : "";
    if (paying) return; // the button says how paying goes
    payButton.textContent =
      payment.method() === TEST_CARD || !payment.method()
        ? total != null
          ? `Pay ${price(total)}`
          : "Pay"
        : "Place order";
  }

  function renderQuote(answer) {
    const options = Array.isArray(answer.shipping_options) ? answer.shipping_options : [];
    method = answer.shipping_method ?? (options.some((o) => o.id === method) ? method : (options[0]?.id ?? null));
    const choices = options.map((option) => ({
      key: JSON.stringify(option),
      value: option.id,
      main: [h("span", {}, option.name), h("span", { class: "kc-eta" }, arrives(option.delivery, locale))],
      side: option.price ? price(option.price) : "Free",
    }));
    shipping.set(choices, method);
    const country = address.fields["address.country"];
    const countryName = country.control.selectedOptions[0]?.textContent || "that country";
    const ships = answer.ships_to_country !== false && options.length > 0;
    shipNote.textContent = ships ? "" : `Sorry, we don't ship to ${countryName} yet.`;
    shipNote.hidden = ships;
    const cart = answer.cart || getCart();
    if (cart) summary.render(cart, ships ? answer : { ...answer, totals: { ...answer.totals, shipping: null } });
    update();
  }

  /** Forget the quote asked for or on its way: its answer would be out of date. */
  function cancelQuote() {
    clearTimeout(quoteTimer);
    quoteSeq++;
    quoteAbort?.abort();
    quoteAbort = null;
    form.removeAttribute("aria-busy");
  }

  async function runQuote() {
    cancelQuote();
    const mine = quoteSeq;
    const controller = new AbortController();
    quoteAbort = controller;
    const body = { address: address.destination() };
    const email = address.fields.email.value();
    if (email && !rules.email(email)) body.email = email;
    if (method != null) body.shipping_method = method;
    form.setAttribute("aria-busy", "true");
    try {
      const answer = await quote(body, controller.signal);
      if (mine !== quoteSeq) return;
      // No cart, or its last line was just removed: nothing to pay for, so leave the checkout.
      if (!answer?.cart.items.length) return onEmpty();
      lastQuote = answer;
      renderQuote(answer);
    } catch (error) {
      if (mine !== quoteSeq) return;
      if (isStale(error)) return requestQuote(true); // asked of a cart since replaced
      if (error.field === "shipping_method" && method != null) {
        method = null; // no longer offered: ask again without it
        return runQuote();
      }
      shipNote.hidden = false;
      shipNote.textContent = problem(error);
    } finally {
      if (mine === quoteSeq) {
        quoteAbort = null;
        form.removeAttribute("aria-busy");
      }
    }
  }

  function requestQuote(now) {
    clearTimeout(quoteTimer);
    if (live && !placed) quoteTimer = setTimeout(safe(runQuote), now ? 0 : QUOTE_DELAY_MS);
  }

  function setPaying(value) {
    paying = value;
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus.
    payButton.setAttribute("aria-disabled", String(value));
    payButton.setAttribute("aria-busy", String(value));
    if (value) payButton.textContent = "Processing…";
    else update();
  }

  function showFieldError(field, message) {
    field.show(message);
    if (field === summary.codeField) summary.expand();
    field.focus();
  }

  /** "Code X wasn't applied: why" when the last quote left the cart's code out, else "". */
  function codeLeftOut() {
    const code = getCart()?.discount_code;
    const quoted = lastQuote?.cart;
    const refusal = lastQuote?.discount_error;
    return refusal && code && quoted?.discount_code === code && !quoted.discount
      ? `Code ${code} wasn't applied: ${refusal.message}`
      : "";
  }

  // Checkout refused the cart's code (once per customer and this email has used it, or it
  // ran out meanwhile) and voided the payment. The code comes off, the new total shows, and
  // the shopper presses Pay again: never charge a total they haven't seen.
  async function dropRefusedCode(error, email) {
    const { discount_code: code, discount } = getCart();
    const why =
      error.code === "discount_used_up" && discount?.once_per_customer
        ? `${code} can be used once per customer and ${email} has used it.`
        : `Code ${code} wasn't applied: ${error.message}`;
    try {
      await removeCode();
      await runQuote();
    } catch (failure) {
      if (!isStale(failure)) showFormError(problem(failure));
      return;
    }
    const total = lastQuote && !lastQuote.cart?.discount ? lastQuote.totals?.total : null;
    showFormError(
      `${why} ${total != null ? `Your total is now ${price(total)}.` : "Check your total before you pay."}`,
    );
  }

  async function handleFailure(error, email) {
    const field = fieldFor(error.field);
    if (isUncertain(error)) {
      showFormError(error.status ? BUSY_PAY : NETWORK_PAY);
    } else if (CARD_ERRORS.includes(error.code) && payment.fields["payment.card.number"]) {
      showFieldError(payment.fields["payment.card.number"], error.message);
    } else if (error.code === "out_of_stock") {
      const sku = typeof error.field === "string" && error.field.startsWith("items.") ? error.field.slice(6) : null;
      if (sku) summary.lineError(sku, "Not enough in stock.");
      showFormError(error.message);
      summary.expand();
      loadCart()
        .catch(() => {})
        .then(() => requestQuote(true));
    } else if (error.field === "code" && getCart()?.discount_code) {
      await dropRefusedCode(error, email);
    } else if (CART_GONE.includes(error.code)) {
      if (error.code !== "empty_cart") forgetCart(); // ordered already, or expired
      showFormError(error.message);
    } else if (field) {
      showFieldError(field, error.message);
      if (error.field === "code" || error.field === "shipping_method") requestQuote(true);
    } else {
      showFormError(error.message);
      if (error.code === "price_changed") requestQuote(true);
    }
    if (formError.hidden) announce(error.message); // (an alert announces itself)
  }

  async function submit(event) {
    event.preventDefault();
    if (paying) return;
    showFormError("");
    const fields = [...Object.values(address.fields).filter(Boolean), shipping, ...payment.active()];
    const invalid = fields.filter((each) => !each.validate());
    if (invalid.length) {
      invalid[0].focus();
      announce(
        invalid.length === 1 ? "Check the highlighted field." : `Check the ${invalid.length} highlighted fields.`,
      );
      return;
    }
    const details = address.values();
    const payload = {
      cart: getToken(),
      ...details,
      shipping_method: Number(shipping.value()),
      payment: payment.payment(),
      visitor: offerVisitor(api), // attributes the order to an offer's exposure
    };
    const leftOut = codeLeftOut();
    setPaying(true);
    summary.clearLineErrors();
    const stillPlacing = () => {
      if (payButton.textContent !== STILL_PLACING) announce(STILL_PLACING);
      payButton.textContent = STILL_PLACING;
    };
    try {
      // The total shown already leaves out a code that doesn't apply: the order goes without it.
      if (leftOut) await removeCode();
      const { order } = await placeOrder(payload, stillPlacing);
      // A quote still on its way would find the cart gone and close the confirmation.
      placed = true;
      cancelQuote();
      summary.stop();
      paying = false;
      onPlaced(order, details, remember.checked, leftOut);
    } catch (error) {
      if (leftOut) requestQuote(true); // the summary still shows the code
      await handleFailure(error, details.email);
    } finally {
      if (paying) setPaying(false);
    }
  }

  const firstToFill = () =>
    [...Object.values(address.fields).filter(Boolean), ...payment.active()].find((each) => each.problem()) || {
      focus: () => payButton.focus(),
    };

  return {
    form,
    summary: summary.el,
    format: { locale, currency },
    isPaying: () => paying,
    /** Refresh the summary and quote (on open); focus the first field still to fill. */
    start() {
      live = true;
      const cart = getCart();
      if (cart) summary.render(cart, lastQuote);
      update();
      requestQuote(true);
      firstToFill().focus();
    },
    /** The checkout closed: no quote may change the screen until it opens again. */
    stop() {
      live = false;
      cancelQuote();
      summary.stop();
    },
  };
}

/** The Contact → Shipping → Payment progress list (filled in by the form). */
export function progressSteps() {
  return h(
    "ol",
    { class: "kc-steps", "aria-label": "Checkout progress" },
    ["Contact", "Shipping", "Payment"].map((name, index) =>
      h(
        "li",
        {},
        h("span", { class: "kc-dot", "aria-hidden": "true" }, icon("check"), h("b", {}, index + 1)),
        name,
        srOnly(""),
      ),
    ),
  );
}
