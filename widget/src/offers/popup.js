// The offer dialog: a modal <dialog> in the shared shadow root (role dialog, aria-modal,
// labelled by the headline; focus moved in and kept in; Esc, the close button and the
// backdrop close it; focus goes back where it was; see ../checkout/dialog.js). It is built
// before any trigger so that showing it is one showModal() call.

import { clock, countdown } from "../checkout/countdown.js";
import { announce, sheet } from "../checkout/dialog.js";
import { h, uid } from "../checkout/dom.js";
import { money } from "../checkout/format.js";
import { problem } from "../checkout/messages.js";

const IMAGE_URL = /^(https?:\/\/|\/)/;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// The merchant sees the request in the admin, and Keepcart emails the shopper a link to their cart (at most 3 a day to one address).
const SAVED = "Saved. The shop will email you about this cart.";
const DEBUG = "Keepcart debug · not counted: no code was issued.";

/**
 * The dialog for `variant` (the arm endpoint's variant object). `claim(fields)` resolves to
 * the claim answer (or rejects with the server's error); `reminder()` describes the cart for
 * an offer without incentive; `viewCart()` opens the cart; `onClose(how)` runs when it closes.
 * `preview`: claiming is turned off (the admin's live preview). `className` names the dialog
 * for its brand colour rule.
 */
export function offerPopup({ className, variant, format, preview, claim, reminder, viewCart, onClose }) {
  const offer = variant.offer || {};
  const price = (amount) => money(amount, format.currency, format.locale);
  const titleId = uid("offer");
  const error = h("p", { class: "kco-err", role: "alert", hidden: true });
  const closeButton = h(
    "button",
    { type: "button", class: "kco-x", "aria-label": "Close", onclick: () => dialog.close("close") },
    "×",
  );
  const go = h(
    "button",
    { type: "button", class: "kco-go", disabled: preview, onclick: () => submit() },
    variant.button_text || "Claim offer",
  );
  const notes = [];
  if (offer.kind !== "none") {
    if (offer.min_subtotal > 0) notes.push(`On orders of ${price(offer.min_subtotal)} or more.`);
    if (offer.expires_minutes > 0) notes.push(`Valid for ${offer.expires_minutes} minutes once claimed; one use.`);
  }

  let email = null;
  let consent = null;
  const emailForm = [];
  if (offer.kind === "none" && offer.email_cart) {
    const emailId = uid("email");
    email = h("input", { id: emailId, type: "email", name: "email", autocomplete: "email", required: true });
    consent = h("input", { type: "checkbox", name: "consent" });
    emailForm.push(
      h("label", { class: "kco-field", for: emailId }, "Email", email),
      h("label", { class: "kco-check" }, consent, h("span", {}, offer.consent_text || "")),
    );
  }
  const intro = h("p", { class: "kco-text" }, variant.body || "");
  const cartNote = h("p", { class: "kco-note", hidden: true });
  const main = h(
    "div",
    { class: "kco-main" },
    offer.label ? h("p", { class: "kco-label" }, offer.label) : null,
    h("h2", { id: titleId, class: "kco-title" }, variant.headline || ""),
    intro,
    cartNote,
    notes.length ? h("p", { class: "kco-note" }, notes.join(" ")) : null,
    emailForm,
    error,
    go,
    preview ? h("p", { class: "kco-note" }, "Preview: claiming is turned off here.") : null,
  );
  const image = IMAGE_URL.test(variant.image_url || "")
    ? h("img", { class: "kco-img", src: variant.image_url, alt: "", width: 440, height: 220, decoding: "async" })
    : null;
  const panel = h("div", { class: "kco-panel" }, image, main, closeButton);
  const dialog = sheet({ className: `kco ${className}`, labelledBy: titleId, lightDismiss: true, onClose });
  dialog.el.append(panel);

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  let stopClock = () => {};
  function showClaimed(answer) {
    const coupon = answer.coupon;
    let said = answer.debug ? DEBUG : answer.email_saved ? SAVED : "Thanks!";
    let text = said;
    const timer = coupon && h("span", { class: "kco-timer", role: "timer" });
    if (coupon) {
      stopClock = countdown(coupon.expires_at, (left) => {
        timer.textContent = left ? `Expires in ${clock(left)}` : "This offer has expired.";
      });
      // The server says whether the code applies to the cart now; claimed on an empty cart (or
      // below its minimum) it waits in the cart, and the words say until when.
      const where = coupon.applied
        ? "is applied to your cart."
        : `is saved to your cart: it applies ${coupon.applies_when}.`;
      said = `Offer claimed. Code ${coupon.code} ${where}`;
      text = [
        "Your code ",
        h("span", { class: "kco-code" }, coupon.code),
        ` (${coupon.label || offer.label}) ${where}`,
      ];
    }
    const view = h("button", { type: "button", class: "kco-go", onclick: () => viewCart(dialog) }, "View cart");
    main.replaceChildren(
      h("h2", { id: titleId, class: "kco-title", tabindex: "-1" }, coupon ? "Offer claimed" : variant.headline || ""),
      h("p", {}, text),
      timer ? h("p", {}, timer) : "",
      view,
    );
    view.focus();
    announce(said);
  }

  let busy = false;
  async function submit() {
    if (preview || busy) return;
    const fields = {};
    if (email) {
      const value = email.value.trim();
      if (!EMAIL.test(value)) {
        showError("Enter your email address, like name@example.com.");
        return email.focus();
      }
      if (!consent.checked) {
        showError("Tick the box to say we may email you.");
        return consent.focus();
      }
      Object.assign(fields, { email: value, consent: true });
    } else if (offer.kind === "none") {
      return viewCart(dialog);
    }
    busy = true;
    go.setAttribute("aria-busy", "true");
    showError("");
    try {
      showClaimed(await claim(fields));
    } catch (failure) {
      showError(problem(failure));
    } finally {
      busy = false;
      go.removeAttribute("aria-busy");
    }
  }

  return {
    el: dialog.el,
    isOpen: dialog.isOpen,
    close: dialog.close,
    /** Show it (focus to its main button, or the close button when that is disabled). */
    open() {
      const text = offer.kind === "none" ? reminder() : "";
      cartNote.textContent = text;
      cartNote.hidden = !text;
      dialog.open(null, preview ? closeButton : go);
    },
    stop: () => stopClock(),
  };
}
