// The checkout feature chunk: cart drawer, one-page checkout and confirmation. The loader
// imports it on the shopper's first cart interaction (see ../cart-triggers.js) and calls the
// exported add() and open() for clicks on [data-keepcart-add] / [data-keepcart-open] and for
// keepcart('add', sku, qty) / keepcart('open'[, 'checkout']). The offers chunk reads the
// cart with currentCart() and hands over a cart with a claimed coupon with adoptCart().
// Latest wins throughout: an answer for a cart or a screen the shopper has moved on from
// (ordered, replaced, closed, asked again) changes nothing (see ../checkout/cart.js).

import { addItem, adoptCart as adopt, getCart, getToken, isStale, loadCart, setCountry } from "../checkout/cart.js";
import { readDetails } from "../checkout/details.js";
import { announce } from "../checkout/dialog.js";
import { createDrawer } from "../checkout/drawer.js";
import { api, safe, setApi } from "../checkout/env.js";
import { mountFloatingButton } from "../checkout/floating.js";
import { itemCount } from "../checkout/format.js";
import { problem } from "../checkout/messages.js";
import { STYLES } from "../checkout/styles.js";
import { createCheckout } from "../checkout/view.js";
import { TRACK_CART_ADD, TYPE_CHECKOUT } from "../constants.js";

const MAX_QUANTITY = 999;
let drawer;
let checkout;
let cartLoading = null; // a returning shopper's cart, on its way

export function mount(loaderApi) {
  setApi(loaderApi);
  api.adopt(STYLES);
  drawer = createDrawer({
    onCheckout(opener) {
      drawer.close();
      return checkout.show(opener);
    },
  });
  checkout = createCheckout({ showCart });
  if (api.config.checkout?.floating_button) mountFloatingButton(showCart);
  setCountry(readDetails()?.address.country); // remembered: free shipping speaks of it
  // A returning shopper's cart: fetch it now so counts are live (cart:change fires).
  if (getToken()) cartLoading = loadCart().catch(() => null);
}

function showCart(opener) {
  drawer.show(opener);
  if (cartLoading && !getCart()) drawer.busy(() => cartLoading);
}

/** Add `quantity` of `sku` to the cart and show the drawer (unless the checkout is open). */
export const add = safe(async (sku, quantity, opener) => {
  sku = sku == null ? "" : String(sku).trim();
  if (!sku) return api.warn("add", 'keepcart("add", sku, quantity) needs a SKU');
  quantity = Math.min(MAX_QUANTITY, Math.max(1, Math.floor(Number(quantity)) || 1));
  if (!checkout.isOpen()) drawer.show(opener);
  drawer.showError("");
  try {
    const cart = await drawer.busy(() => addItem(sku, quantity));
    const item = cart?.items.find((line) => line.sku === sku);
    announce(`${item?.name || "Item"} added. Cart: ${itemCount(cart?.item_count || 0)}`);
    api.track(TRACK_CART_ADD, { sku, qty: quantity }, TYPE_CHECKOUT);
  } catch (error) {
    if (isStale(error)) return; // the cart was ordered or replaced meanwhile
    drawer.showError(problem(error));
    announce(problem(error));
  }
});

/** Open the cart drawer, or the checkout itself with view "checkout". */
export const open = safe((view, opener) =>
  view === "checkout" ? checkout.show(opener, cartLoading) : showCart(opener),
);

/** The cart as it is once a returning shopper's cart has loaded (null without one). */
export const currentCart = () => Promise.resolve(cartLoading).then(getCart);

/**
 * Show `cart` (with token `token`), which the server made or changed for an offer's claim
 * made with cart token `basedOn` (unless the shopper has moved to another cart since).
 */
export const adoptCart = safe((token, cart, basedOn) => adopt(token, cart, basedOn));
