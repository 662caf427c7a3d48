// Building the badges: a strip (a list, one line, BADGES_HEIGHT tall) of badges, each an icon
// and its words; one with details is a button that opens them in a modal <dialog> (Esc and
// the backdrop close it, focus goes back to the button). Words that change (the cart, the
// clock) are updated in place by the caller through each badge's `text` element.
import { h, pathIcon } from "./dom.js";

// 24×24 stroked marks: our own, no outside files (payment methods by id; badge kinds). The lock
// and the truck are the checkout's (checkout/dom.js ICONS), drawn here too.
export const MARKS = {
  card: "M3 6h18v12H3zM3 10h18M6.5 14.5h4",
  bank_transfer: "M3 10 12 5l9 5M5.5 10v7M10 10v7M14 10v7M18.5 10v7M3 19.5h18",
  cash_on_delivery: "M2.5 7h19v10h-19zM12 9.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5M5.5 10v4M18.5 10v4",
  secure: "M7 11V8a5 5 0 0 1 10 0v3M5.5 11h13v9.5h-13z",
  free_shipping: "M2.5 6.5h11v10h-11zM13.5 10h4l3 3.5v3h-7M6.5 19a1.8 1.8 0 1 0 0-.1M17 19a1.8 1.8 0 1 0 0-.1",
  delivery: "M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18M12 7.5V12l3 2",
  returns: "M9 14 4 9l5-5M4 9h11a5 5 0 0 1 0 10h-3",
  support: "M4 5h16v11H9.5L4 20.5z",
  bought: "M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6M3 19.5a6 6 0 0 1 12 0M16 5.2a3 3 0 0 1 0 5.6M21 19.5a6 6 0 0 0-4-5.7",
  left: "M4 8l8-4 8 4v8l-8 4-8-4zM4 8l8 4 8-4M12 12v8",
};

/** The mark `name` (else a card), hidden from assistive technology. */
export const mark = (name) => pathIcon(MARKS[name] || MARKS.card);

/** The payment methods' badge: their marks, named for screen readers ("We accept: Card, …") and in its details. */
export function payments(methods) {
  const names = methods.map((method) => method.label).join(", ");
  return {
    kind: "payments",
    marks: methods.map((method) => mark(method.id)),
    text: h("span", { class: "kb-sr" }, `We accept: ${names}`),
    title: "We accept",
    details: () => h("p", {}, names),
  };
}

/** The details dialog of `badge` ({title, details()}), opened from `button`; named by its heading's words. */
function openDetails(badge, button) {
  const dialog = h(
    "dialog",
    {
      class: "kb",
      "aria-label": badge.title,
      onclick: (event) => event.target === dialog && dialog.close(), // the backdrop
      onclose() {
        button.setAttribute("aria-expanded", "false");
        dialog.remove();
        button.focus();
      },
    },
    h(
      "div",
      {},
      h("h2", {}, badge.title),
      badge.details(),
      h("button", { type: "button", class: "kb-x", onclick: () => dialog.close() }, "Close"),
    ),
  );
  // Beside the strip's list, in the same shadow root (the same styles); the top layer keeps
  // it clear of the strip's clipping.
  button.getRootNode().append(dialog);
  dialog.showModal();
  button.setAttribute("aria-expanded", "true");
}

/** One badge: {kind, text (an element with its words), marks?, title?, details?}. */
function badgeItem(badge) {
  const content = [badge.marks || mark(badge.kind), badge.text];
  if (!badge.details) return h("li", {}, content);
  const button = h(
    "button",
    {
      type: "button",
      class: "kb-b",
      "aria-haspopup": "dialog",
      "aria-expanded": "false",
      onclick: () => openDetails(badge, button),
    },
    content,
  );
  return h("li", {}, button);
}

/**
 * The strip of `badges`.
 * It keeps to one line by giving up words: when the badges overflow its width, every badge
 * but the first shows only its icon (its words left to screen readers, its details still a
 * button away); when even that overflows, the list scrolls, takes focus so keyboards can
 * scroll it, and fades at the edge where there is more.
 */
export function strip(badges) {
  const list = h(
    "ul",
    { class: "kb", "aria-label": "Good to know", onscroll: () => fade(list) },
    badges.map(badgeItem),
  );
  // Measured after layout and before paint, so the first frame shown already fits.
  const fit = new ResizeObserver(() => {
    list.classList.remove("kb-s");
    list.classList.toggle("kb-s", overflows(list));
    if (overflows(list)) list.tabIndex = 0;
    else list.removeAttribute("tabindex");
    fade(list);
  });
  // The list's own width, and its badges' (the cart changes the free-shipping words).
  for (const el of [list, ...list.children]) fit.observe(el);
  return list;
}

const overflows = (list) => list.scrollWidth > list.clientWidth;

/** Fade the edge(s) of `list` beyond which there is more to scroll to. */
function fade(list) {
  const hidden = list.scrollWidth - list.clientWidth;
  list.classList.toggle("kb-l", list.scrollLeft > 1);
  list.classList.toggle("kb-r", hidden - list.scrollLeft > 1);
}
