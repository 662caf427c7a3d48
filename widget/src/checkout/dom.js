// Building DOM without innerHTML: h("button", {class, onclick, "aria-label": …}, ...children).
// Props starting with "on" become listeners (wrapped by safe()); true sets an empty attribute,
// false/null/undefined leave it out; children may be strings, nodes, arrays or nothing.
import { safe } from "./env.js";

/* global __KEEPCART_CHUNK__ */
// Each chunk is built on its own (../../build.mjs), with its own copy of this counter: the
// chunk's name (which the build defines) keeps its ids apart from another chunk's in the
// shadow root they share, as "kc-offers-email-2" and "kc-checkout-email-2".
let count = 0;
/** A DOM id unique within the shadow root. */
export const uid = (name) => `kc-${__KEEPCART_CHUNK__}-${name}-${++count}`;

/** addEventListener, with `fn` wrapped by safe(). */
export const listen = (el, type, fn) => el.addEventListener(type, safe(fn));

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) listen(el, key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : value);
  }
  el.append(...children.flat(9).filter((child) => child != null && child !== false));
  return el;
}

const SVG = "http://www.w3.org/2000/svg";
// 24×24 stroked icon paths.
export const ICONS = {
  bag: "M6 7h12l-1.2 11.2a2 2 0 0 1-2 1.8H9.2a2 2 0 0 1-2-1.8zM9 9V6a3 3 0 0 1 6 0v3",
  close: "M6 6l12 12M18 6 6 18",
  check: "m5 12.5 4.5 4.5L19 7.5",
  minus: "M6 12h12",
  plus: "M12 6v12M6 12h12",
  lock: "M7 11V8a5 5 0 0 1 10 0v3M5.5 11h13v9.5h-13z",
  chevron: "m6 9 6 6 6-6",
  tag: "M3.5 12.5v-8h8l9 9-8 8zM8 8.01V8",
  truck: "M2.5 6.5h11v10h-11zM13.5 10h4l3 3.5v3h-7M6.5 19a1.8 1.8 0 1 0 0-.1M17 19a1.8 1.8 0 1 0 0-.1",
  alert: "M12 8v5M12 16.5v.01M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18z",
};

/** A 24×24 icon drawn by the path `d`, hidden from assistive technology. */
export function pathIcon(d, className) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("class", className);
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", d);
  svg.append(path);
  return svg;
}

/** An icon from ICONS, hidden from assistive technology. */
export const icon = (name, className = "kc-i") => pathIcon(ICONS[name], className);

/** Text for screen readers only. */
export const srOnly = (text) => h("span", { class: "kc-sr" }, text);

/** Show `message` in `el` after the alert icon, or hide `el` when there is no message. */
export function showAlert(el, message) {
  el.hidden = !message;
  el.replaceChildren(...(message ? [icon("alert"), message] : []));
}
