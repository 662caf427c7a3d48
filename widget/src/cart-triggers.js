// The checkout chunk is loaded only when the shopper first touches the cart: a click on a
// [data-keepcart-add] or [data-keepcart-open] element (delegated, so buttons added later work;
// attributes are read at click time, since shops rewrite them as variants change) or the
// keepcart('add' | 'open') commands. A shopper who already has a cart gets it loaded when the
// page is idle, so a live count is ready.
import { register, run } from "./commands.js";
import { ATTR_ADD, ATTR_OPEN, ATTR_QTY, CART_KEY, CMD_ADD, CMD_OPEN, FEATURE_CHECKOUT } from "./constants.js";

let checkout; // undefined while the config loads, then whether the checkout is on

/**
 * Listen for cart clicks from the start, so a click while the config loads is held (as a
 * command) rather than lost; once the checkout is known to be off, clicks are left alone.
 */
export function listenForCartClicks() {
  document.addEventListener("click", (event) => {
    const el = checkout !== false && event.target.closest?.(`[${ATTR_ADD}],[${ATTR_OPEN}]`);
    if (!el) return;
    event.preventDefault();
    const sku = el.getAttribute(ATTR_ADD);
    run(sku === null ? [CMD_OPEN, el.getAttribute(ATTR_OPEN), el] : [CMD_ADD, sku, el.getAttribute(ATTR_QTY), el]);
  });
}

/** The config is in: with the checkout on, `add`/`open` load the chunk and call its exports. */
export function bindCart(api, on) {
  checkout = on;
  if (!on) return;
  const load = () => api.loadChunk(FEATURE_CHECKOUT);
  for (const name of [CMD_ADD, CMD_OPEN]) {
    register(name, (...args) => {
      load().then((chunk) => chunk?.[name](...args));
    });
  }
  let cart;
  try {
    cart = localStorage.getItem(CART_KEY);
  } catch {}
  if (cart || api.config.checkout?.floating_button) (self.requestIdleCallback || setTimeout)(load);
}
