// The one-page checkout form: contact, shipping address, shipping method, payment, and the
// order summary beside it. Shipping options and totals come from the quote endpoint whenever
// the destination, method or discount changes; the server recomputes everything at checkout.

import { offerVisitor } from "../visitor.js";
import { addressSections } from "./address.js";
import { badgeSlot } from "./badges.js";
import { forgetCart, getCart, getToken, isStale, loadCart, quote, removeCode, setCountry } from "./cart.js";
import { readDetails } from "./details.js";
import { announce } from "./dialog.js";
import { h, icon, showAlert, srOnly, uid } from "./dom.js";
import { api, safe } from "./env.js";
import { radioGroup, rules } from "./fields.js";
import { checkFields, codeLeftOut, outOfStockSku, payWords, refusedCodeWords, shippingChoice } from "./form-rules.js";
import { arrives, money } from "./format.js";
import { latestOnly } from "./latest.js";
import { BUSY_PAY, NETWORK_PAY, problem, STILL_PLACING } from "./messages.js";
import { paymentSection } from "./payment.js";
import { isUncertain, placeOrder } from "./submit.js";
import { orderSummary } from "./summary.js";

const QUOTE_DELAY_MS = 250;
const CARD_ERRORS = ["card_declined", "insufficient_funds"];
const CART_GONE = ["cart_not_found", "invalid_cart", "cart_closed", "empty_cart"];

function section(title, ...content) {
  const id = uid("section");
  return h("section", { class: "kc-section", "aria-labelledby": id }, h("h3", { id }, title), ...content);
}

/** The "Remember my details on this device" box: [el, checkbox]. */
function rememberBox(checked) {
  const id = uid("remember");
  const input = h("input", { type: "checkbox", id, checked, "aria-describedby": `${id}-hint` });
  const el = h(
    "div",
    { class: "kc-check" },
    input,
    h(
      "div",
      {},
      h("label", { for: id }, "Remember my details on this device"),
      h("p", { class: "kc-hint", id: `${id}-hint` }, "Your contact and address stay in this browser. Never your card."),
    ),
  );
  return [el, input];
}

/** The form: `handlers` (submit, input, change), the four sections of `parts`, then `rest`. */
const formElement = (handlers, [address, shipping, payment], ...rest) =>
  h(
    "form",
    { class: "kc-form", novalidate: true, ...handlers },
    section("Contact", address.contact),
    section("Shipping address", address.address),
    shipping.el,
    section("Payment", payment.el),
    ...rest,
  );

/** The order as the checkout endpoint takes it: the cart, `details`, shipping, payment, visitor. */
const orderPayload = (details, shipping, payment) => ({
  cart: getToken(),
  ...details,
  shipping_method: Number(shipping.group.value()),
  payment: payment.payment(),
  visitor: offerVisitor(api), // attributes the order to an offer's exposure
});

/** Progress: each step of `steps` complete when `done[its index]`; the first not done is current. */
function markProgress(steps, done) {
  const current = done.indexOf(false);
  [...steps.children].forEach((step, index) => {
    step.classList.toggle("kc-done", done[index]);
    step.querySelector(".kc-sr").textContent = done[index] ? " (complete)" : "";
    if (index === current) step.setAttribute("aria-current", "step");
    else step.removeAttribute("aria-current");
  });
}

/**
 * The shipping method section: the quote's options as radios, or why there are none.
 * `onChoose()` runs when the shopper picks one; method() is the picked id (null: none yet).
 */
function shippingSection(locale, price, onChoose) {
  const note = h("p", { class: "kc-note kc-ship-note" }, "Loading shipping options…");
  let method = null;
  const group = radioGroup({
    legend: "Shipping method",
    name: "ship",
    required: "Choose a shipping method.",
    onchange: (value) => {
      method = Number(value);
      onChoose();
    },
  });
  return {
    el: section("Shipping method", note, group.el),
    group,
    method: () => method,
    /** Forget the picked method (methods belong to a shipping zone; or it is no longer offered). */
    forget: () => {
      method = null;
    },
    /** Say what went wrong with the quote. */
    showProblem(text) {
      note.hidden = false;
      note.textContent = text;
    },
    /** Show `answer`'s options; returns whether anything ships to the country (`countryName`). */
    render(answer, countryName) {
      const options = Array.isArray(answer.shipping_options) ? answer.shipping_options : [];
      method = shippingChoice(answer, options, method);
      const choices = options.map((option) => ({
        key: JSON.stringify(option),
        value: option.id,
        main: [h("span", {}, option.name), h("span", { class: "kc-eta" }, arrives(option.delivery, locale))],
        side: option.price ? price(option.price) : "Free",
      }));
      group.set(choices, method);
      const ships = answer.ships_to_country !== false && options.length > 0;
      note.textContent = ships ? "" : `Sorry, we don't ship to ${countryName} yet.`;
      note.hidden = ships;
      return ships;
    },
  };
}

/** What a quote asks for: the destination so far, the email once valid, the picked method. */
function quoteBody(address, method) {
  const body = { address: address.destination() };
  const email = address.fields.email.value();
  if (email && !rules.email(email)) body.email = email;
  if (method != null) body.shipping_method = method;
  return body;
}

/**
 * Quotes for `form`, latest wins: asked for after a pause (or `now`) while `allowed()`, one
 * on its way at a time. `body()` is what to ask; `show(answer)` and `fail(error)` get the
 * newest request's outcome only.
 */
function quoter(form, { allowed, body, show, fail }) {
  const latest = latestOnly();
  let timer = 0;

  /** Forget the quote asked for or on its way: its answer would be out of date. */
  function cancel() {
    clearTimeout(timer);
    latest.cancel();
    form.removeAttribute("aria-busy");
  }

  async function run() {
    cancel();
    const turn = latest.start();
    const asked = body();
    form.setAttribute("aria-busy", "true");
    try {
      const answer = await quote(asked, turn.signal);
      if (turn.latest()) return show(answer);
    } catch (error) {
      if (turn.latest()) return fail(error);
    } finally {
      if (turn.end()) form.removeAttribute("aria-busy");
    }
  }

  function request(now) {
    clearTimeout(timer);
    if (allowed()) timer = setTimeout(safe(run), now ? 0 : QUOTE_DELAY_MS);
  }

  return { cancel, run, request };
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
  let live = false; // the checkout is open: quotes may change the screen
  let paying = false;
  let placed = false; // the order exists: nothing here may change the screen any more

  const remembered = readDetails();
  const address = addressSections(setup, (countryChanged) => {
    if (countryChanged) {
      shipping.forget(); // methods belong to a shipping zone
      knowCountry();
    }
    quotes.request();
  });
  // The shopper has said where they live (picked a country, or filled in the address there):
  // the cart's free-shipping line speaks of that country from now on.
  const knowCountry = () => setCountry(address.fields["address.country"].value());
  const shipping = shippingSection(locale, price, () => quotes.request(true));
  const payment = paymentSection(setup, () => update());
  const summary = orderSummary({
    locale,
    onChange: (message) => {
      showFormError("");
      announce(message);
      quotes.request(true);
    },
  });
  const [rememberEl, remember] = rememberBox(Boolean(remembered));
  const formError = h("p", { class: "kc-alert", role: "alert", hidden: true });
  const payButton = h("button", { type: "submit", class: "kc-btn kc-primary kc-pay" }, "Pay");
  const badges = badgeSlot("checkout");
  badges?.show();
  const recapTotal = h("span", {});
  const form = formElement(
    { onsubmit: (event) => submit(event), oninput: () => update(), onchange: () => update() },
    [address, shipping, payment],
    rememberEl,
    summary.recapClock,
    h("div", { class: "kc-recap" }, h("span", {}, "Total"), recapTotal),
    formError,
    payButton,
    badges?.el,
    h("p", { class: "kc-secure" }, icon("lock"), `Your details go only to ${api.config.store?.name || "the shop"}.`),
  );
  if (remembered) address.fill(remembered);

  const quotes = quoter(form, {
    allowed: () => live && !placed,
    body: () => quoteBody(address, shipping.method()),
    show(answer) {
      // No cart, or its last line was just removed: nothing to pay for, so leave the checkout.
      if (!answer?.cart.items.length) return onEmpty();
      lastQuote = answer;
      renderQuote(answer);
    },
    fail(error) {
      if (isStale(error)) return quotes.request(true); // asked of a cart since replaced
      if (error.field === "shipping_method" && shipping.method() != null) {
        shipping.forget(); // no longer offered: ask again without it
        return quotes.run();
      }
      shipping.showProblem(problem(error));
    },
  });

  /** A field by the server's name for it ("email", "address.postal_code", "code"…). */
  const fieldFor = (name) =>
    address.fields[name] || payment.fields[name] || { shipping_method: shipping.group, code: summary.codeField }[name];

  const showFormError = (message) => showAlert(formError, message);

  // Progress: Contact → Shipping → Payment, each complete when its fields are.
  function update() {
    if (address.addressDone()) knowCountry();
    markProgress(steps, [
      address.contactDone(),
      address.addressDone() && Boolean(shipping.group.value()),
      payment.done(),
    ]);
    const total = lastQuote?.totals?.total;
    recapTotal.textContent = total != null ? price(total) : "";
    if (paying) return; // the button says how paying goes
    payButton.textContent = payWords(payment.method(), total, price);
  }

  function renderQuote(answer) {
    const country = address.fields["address.country"];
    const ships = shipping.render(answer, country.control.selectedOptions[0]?.textContent || "that country");
    const cart = answer.cart || getCart();
    if (cart) summary.render(cart, ships ? answer : { ...answer, totals: { ...answer.totals, shipping: null } });
    update();
  }

  function setPaying(value) {
    paying = value;
    // aria-disabled rather than disabled: a disabled button would drop keyboard focus.
    payButton.setAttribute("aria-disabled", String(value));
    payButton.setAttribute("aria-busy", String(value));
    if (value) payButton.textContent = "Processing…";
    else update();
  }

  const handleFailure = payFailures(payment, summary, fieldFor, formError, quotes, () => {
    const total = lastQuote && !lastQuote.cart?.discount ? lastQuote.totals?.total : null;
    return total != null ? `Your total is now ${price(total)}.` : "Check your total before you pay.";
  });

  async function submit(event) {
    event.preventDefault();
    if (paying) return;
    showFormError("");
    const fields = [...Object.values(address.fields).filter(Boolean), shipping.group, ...payment.active()];
    const invalid = fields.filter((each) => !each.validate());
    if (invalid.length) {
      invalid[0].focus();
      announce(checkFields(invalid.length));
      return;
    }
    const details = address.values();
    const payload = orderPayload(details, shipping, payment);
    const leftOut = codeLeftOut(getCart(), lastQuote);
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
      quotes.cancel();
      summary.stop();
      paying = false;
      onPlaced(order, details, remember.checked, leftOut);
    } catch (error) {
      if (leftOut) quotes.request(true); // the summary still shows the code
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
      quotes.request(true);
      firstToFill().focus();
    },
    /** The checkout closed: no quote may change the screen until it opens again. */
    stop() {
      live = false;
      quotes.cancel();
      summary.stop();
    },
  };
}

/**
 * What the form does when placing the order failed: the field or line at fault, the form's
 * alert (`formError`), a refused code taken off (then `quotes` runs and `totalWords()` tells
 * the new total). `fieldFor(name)` finds a field by the server's name. Returns handle(error, email).
 */
function payFailures(payment, summary, fieldFor, formError, quotes, totalWords) {
  const showFormError = (message) => showAlert(formError, message);
  function showFieldError(field, message) {
    field.show(message);
    if (field === summary.codeField) summary.expand();
    field.focus();
  }

  // Checkout refused the cart's code (once per customer and this email has used it, or it
  // ran out meanwhile) and voided the payment. The code comes off, the new total shows, and
  // the shopper presses Pay again: never charge a total they haven't seen.
  async function dropRefusedCode(error, email) {
    const why = refusedCodeWords(error, getCart(), email);
    try {
      await removeCode();
      await quotes.run();
    } catch (failure) {
      if (!isStale(failure)) showFormError(problem(failure));
      return;
    }
    showFormError(`${why} ${totalWords()}`);
  }

  return async function handle(error, email) {
    const field = fieldFor(error.field);
    if (isUncertain(error)) {
      showFormError(error.status ? BUSY_PAY : NETWORK_PAY);
    } else if (CARD_ERRORS.includes(error.code) && payment.fields["payment.card.number"]) {
      showFieldError(payment.fields["payment.card.number"], error.message);
    } else if (error.code === "out_of_stock") {
      const sku = outOfStockSku(error);
      if (sku) summary.lineError(sku, "Not enough in stock.");
      showFormError(error.message);
      summary.expand();
      loadCart()
        .catch(() => {})
        .then(() => quotes.request(true));
    } else if (error.field === "code" && getCart()?.discount_code) {
      await dropRefusedCode(error, email);
    } else if (CART_GONE.includes(error.code)) {
      if (error.code !== "empty_cart") forgetCart(); // ordered already, or expired
      showFormError(error.message);
    } else if (field) {
      showFieldError(field, error.message);
      if (error.field === "code" || error.field === "shipping_method") quotes.request(true);
    } else {
      showFormError(error.message);
      if (error.code === "price_changed") quotes.request(true);
    }
    if (formError.hidden) announce(error.message); // (an alert announces itself)
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
