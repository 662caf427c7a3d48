// The cart's chunk (the config's chunk with `cart: true`, the checkout) is loaded only when
// the shopper first touches the cart: a click on a [data-keepcart-add] or [data-keepcart-open]
// element (boot.js listens for those from the start and turns them into commands) or the
// keepcart('add' | 'open') commands. A shopper who already has a cart gets it loaded when the
// page is idle, so a live count is ready.
import { register } from "./commands.js";
import { CART_FRAGMENT, CART_KEY, CMD_ADD, CMD_OPEN, PATH_RECOVERY_CLAIMS } from "./constants.js";
import { getStored, LOCAL, setStored } from "./storage.js";

/**
 * The config is in: `chunk` (none: the cart is off) takes `add`/`open`, which load it at once
 * and call its exports; with a stored cart (or `chunk.idle`) it is preloaded in the background.
 * Returns whether a chunk takes the cart (else cart clicks are left to the page).
 */
export function bindCart(api, chunk, preload) {
  if (!chunk) return false;
  const call = (name, ...args) => api.loadChunk(chunk.name).then((module) => module?.[name](...args));
  for (const name of [CMD_ADD, CMD_OPEN]) register(name, (...args) => call(name, ...args));
  // A reminder's link lands with a claim in the fragment: the fragment leaves the address bar
  // (and any bookmark or shared link) at once, and the claim is exchanged once, from this
  // store's page, for the rebuilt cart, which becomes this page's cart and opens. A cart
  // with items the page already has is never replaced (the server keeps it: token null).
  const [, claim] = location.hash.match(CART_FRAGMENT) || [];
  const stored = getStored(LOCAL, CART_KEY);
  if (claim) {
    history.replaceState(history.state, "", location.href.split("#")[0]);
    // A text body: a CORS-simple request, no preflight.
    api
      .request(PATH_RECOVERY_CLAIMS, {
        method: "POST",
        body: JSON.stringify({ store: api.store, claim, cart: stored }),
      })
      .then(
        ({ token }) => {
          if (!token) return preload(chunk);
          setStored(LOCAL, CART_KEY, token);
          call(CMD_OPEN);
        },
        () => preload(chunk),
      );
  } else if (chunk.idle || stored) preload(chunk);
  return true;
}
