// The checkout dialog (full screen on phones, a large dialog on desktop): loads the store's
// checkout setup, holds the form while the shopper fills it in (closing keeps what they
// typed), and swaps in the confirmation once the order is placed.
import {
  EV_CHECKOUT_CLOSE,
  EV_CHECKOUT_OPEN,
  EV_ORDER_COMPLETE,
  TRACK_CHECKOUT_START,
  TRACK_ORDER_COMPLETE,
  TYPE_CHECKOUT,
} from "../constants.js";
import { forgetCart, getCart } from "./cart.js";
import { confirmationView } from "./confirmation.js";
import { rememberDetails } from "./details.js";
import { announce, sheet } from "./dialog.js";
import { h, icon, uid } from "./dom.js";
import { api } from "./env.js";
import { checkoutForm, progressSteps } from "./form.js";
import { loadSetup } from "./setup.js";

const VIEW = { view: "checkout" };

/** The head: the store's name, the title (`titleId`), the progress `steps` and the close button. */
const checkoutHead = (titleId, steps, closeButton) =>
  h(
    "div",
    { class: "kc-co-head" },
    h(
      "div",
      { class: "kc-brand" },
      h("p", { class: "kc-store" }, api.config.store?.name || ""),
      h("h2", { id: titleId, class: "kc-title" }, "Checkout"),
    ),
    steps,
    closeButton,
  );

const loadingMessage = () =>
  h("p", { class: "kc-loading", role: "status" }, h("span", { class: "kc-busy" }), "Loading checkout…");

/** The setup didn't load: say so, with a button that runs `retry()`; [content, button]. */
function loadError(retry) {
  const button = h("button", { type: "button", class: "kc-btn kc-secondary", onclick: retry }, "Try again");
  const content = h(
    "div",
    { class: "kc-loading" },
    h(
      "p",
      { class: "kc-alert", role: "alert" },
      icon("alert"),
      "We couldn't load the checkout. Check your connection and try again.",
    ),
    button,
  );
  return [content, button];
}

/** The confirmation `view` with its own close button (the head is hidden). */
const confirmationBody = (view, close) =>
  h(
    "div",
    { class: "kc-done-wrap" },
    h("button", { type: "button", class: "kc-x kc-done-x", "aria-label": "Close", onclick: close }, icon("close")),
    view,
  );

/** `showCart(opener)` opens the cart drawer instead (when there is nothing to check out). */
export function createCheckout({ showCart }) {
  const titleId = uid("checkout");
  let form = null;
  let placed = false; // the confirmation is showing
  let builds = 0; // latest wins: only the newest build (open) puts its form in
  const steps = progressSteps();
  const body = h("div", { class: "kc-co-body" });
  const closeButton = h(
    "button",
    {
      type: "button",
      class: "kc-x",
      "aria-label": "Close checkout",
      onclick: () => !form?.isPaying() && dialog.close(),
    },
    icon("close"),
  );
  const head = checkoutHead(titleId, steps, closeButton);
  const dialog = sheet({
    className: "kc-checkout",
    labelledBy: titleId,
    canClose: () => !form?.isPaying(),
    onClose() {
      api.emit(EV_CHECKOUT_CLOSE, VIEW);
      form?.stop();
      if (placed) reset();
    },
  });
  dialog.el.append(h("div", { class: "kc-co" }, head, body));

  function reset() {
    placed = false;
    form = null;
    head.hidden = false;
    dialog.el.setAttribute("aria-labelledby", titleId);
    body.replaceChildren();
  }

  function showLoadError() {
    const [content, retry] = loadError(() => build());
    body.replaceChildren(content);
    retry.focus();
  }

  function placedOrder(order, details, remember, notice) {
    rememberDetails(remember, details);
    forgetCart();
    placed = true;
    const total = order.totals?.total;
    api.emit(EV_ORDER_COMPLETE, { id: order.id, number: order.number, total, currency: form.format.currency });
    api.track(TRACK_ORDER_COMPLETE, { order: order.id, total }, TYPE_CHECKOUT);
    const doneId = uid("done");
    const { view, heading } = confirmationView(order, {
      ...form.format,
      notice,
      headingId: doneId,
      onDone: () => dialog.close(),
    });
    head.hidden = true;
    dialog.el.setAttribute("aria-labelledby", doneId);
    body.replaceChildren(confirmationBody(view, () => dialog.close()));
    body.scrollTop = 0;
    heading.focus();
    announce(`${heading.textContent}. Order number ${order.number}. ${notice || ""}`);
  }

  async function build() {
    const mine = ++builds;
    body.replaceChildren(loadingMessage());
    let setup;
    try {
      setup = await loadSetup();
    } catch {
      return mine === builds && showLoadError();
    }
    if (mine !== builds || !dialog.isOpen() || form) return;
    form = checkoutForm(setup, {
      steps,
      onPlaced: placedOrder,
      onEmpty: () => {
        dialog.close();
        showCart();
      },
    });
    body.replaceChildren(form.summary, form.form);
    form.start();
  }

  return {
    isOpen: dialog.isOpen,
    /** Open the checkout (from `opener`, which gets focus back when it closes). */
    async show(opener, cartLoading) {
      if (dialog.isOpen()) return;
      if (!getCart()) await cartLoading;
      if (dialog.isOpen()) return; // (opened while the cart was loading)
      if (!getCart()?.items.length) return showCart(opener);
      dialog.open(opener, closeButton);
      api.emit(EV_CHECKOUT_OPEN, VIEW);
      api.track(TRACK_CHECKOUT_START, { items: getCart().item_count, subtotal: getCart().subtotal }, TYPE_CHECKOUT);
      if (form) form.start();
      else build();
    },
  };
}
