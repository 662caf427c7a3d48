// The cart's chunk (the config's chunk with `cart: true`, the checkout) is loaded only when
// the shopper first touches the cart: a click on a [data-keepcart-add] or [data-keepcart-open]
// element (boot.js listens for those from the start and turns them into commands) or the
// keepcart('add' | 'open') commands. A shopper who already has a cart gets it loaded when the
// page is idle, so a live count is ready.
import { register } from "./commands.js";
import { CART_KEY, CMD_ADD, CMD_OPEN } from "./constants.js";
import { getStored, LOCAL } from "./storage.js";

/**
 * The config is in: `chunk` (none: the cart is off) takes `add`/`open`, which load it at once
 * and call its exports; with a stored cart (or `chunk.idle`) it is preloaded in the background.
 * Returns whether a chunk takes the cart (else cart clicks are left to the page).
 */
export function bindCart(api, chunk, preload) {
  if (!chunk) return false;
  for (const name of [CMD_ADD, CMD_OPEN]) {
    register(name, (...args) => {
      api.loadChunk(chunk.name).then((module) => module?.[name](...args));
    });
  }
  if (chunk.idle || getStored(LOCAL, CART_KEY)) preload(chunk);
  return true;
}
