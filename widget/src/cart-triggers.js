// The cart's chunk (the config's chunk with `cart: true`, the checkout) is loaded only when
// the shopper first touches the cart: a click on a [data-keepcart-add] or [data-keepcart-open]
// element (delegated, so buttons added later work; attributes are read at click time, since
// shops rewrite them as variants change) or the keepcart('add' | 'open') commands. A shopper
// who already has a cart gets it loaded when the page is idle, so a live count is ready.
import { register, run } from "./commands.js";
import { ATTR_ADD, ATTR_OPEN, ATTR_QTY, CART_KEY, CMD_ADD, CMD_OPEN } from "./constants.js";
import { getStored, LOCAL } from "./storage.js";

let cartOn; // undefined while the config loads, then whether a chunk takes the cart

/**
 * Listen for cart clicks from the start, so a click while the config loads is held (as a
 * command) rather than lost; once no chunk is known to take the cart, clicks are left alone.
 */
export function listenForCartClicks() {
  document.addEventListener("click", (event) => {
    const el = cartOn !== false && event.target.closest?.(`[${ATTR_ADD}],[${ATTR_OPEN}]`);
    if (!el) return;
    event.preventDefault();
    const sku = el.getAttribute(ATTR_ADD);
    run(sku === null ? [CMD_OPEN, el.getAttribute(ATTR_OPEN), el] : [CMD_ADD, sku, el.getAttribute(ATTR_QTY), el]);
  });
}

/**
 * The config is in: `chunk` (none: the cart is off) takes `add`/`open`, which load it at once
 * and call its exports; with a stored cart (or `chunk.idle`) it is preloaded in the background.
 */
export function bindCart(api, chunk, preload) {
  cartOn = Boolean(chunk);
  if (!chunk) return;
  for (const name of [CMD_ADD, CMD_OPEN]) {
    register(name, (...args) => {
      api.loadChunk(chunk.name).then((module) => module?.[name](...args));
    });
  }
  if (chunk.idle || getStored(LOCAL, CART_KEY)) preload(chunk);
}
