// The shopper's cart: a server-side cart named by a signed token kept in localStorage.
// Every change goes to the server (the price authority) and the answer replaces the local
// copy; changes run one at a time, in order. A token the server no longer honours (unknown,
// forged, expired or already ordered) is dropped and, when adding, a new cart is made.
// Latest wins: ordering the cart or taking over another one starts a new epoch, and an answer
// to a request from an older epoch changes nothing (it rejects with a stale error instead).
import { CART_KEY, EV_CART_CHANGE, PATH_CARTS } from "../constants.js";
import { api } from "./env.js";

const GONE = ["cart_not_found", "invalid_cart", "cart_closed"];
const TOKEN = /^[\w.-]{8,500}$/;

let token;
let cart = null;
let queue = Promise.resolve();
let epoch = 0;
let country = null; // the shopper's country, once known: free shipping is told for it
let last = null; // the last cart:change detail sent, as JSON
const listeners = new Set();

// Through the loader's storage (read once per page, writes coalesced: ../storage.js), which
// the offers chunk reads the token from too.
function readToken() {
  if (token === undefined) {
    const stored = api.storage.get("localStorage", CART_KEY);
    token = TOKEN.test(stored) ? stored : null;
  }
  return token;
}

function setToken(value) {
  token = value;
  api.storage.set("localStorage", CART_KEY, value || null);
}

/** A cart as the server sent it, checked just enough that rendering cannot trip on it. */
function isCart(value) {
  return Boolean(value && Array.isArray(value.items) && typeof value.currency === "string");
}

function setCart(value) {
  cart = isCart(value) ? value : null;
  for (const fn of listeners) fn(cart);
  const detail = {
    count: cart?.item_count || 0,
    subtotal: cart?.subtotal || 0,
    currency: cart?.currency || api.config.store?.currency || "",
    // The server's word on free shipping (after discounts; null when a code gives it or the
    // zone has none): what the badges say, never recomputed from the subtotal.
    free_shipping: cart?.free_shipping || null,
  };
  const json = JSON.stringify(detail);
  // Every page starts from an empty cart: an empty cart at first is no change.
  if (last === null && !detail.count) last = json;
  if (json !== last) {
    last = json;
    api.emit(EV_CART_CHANGE, detail);
  }
  return cart;
}

/** An answer the shopper has moved on from (a newer cart, an order, an aborted request). */
export const isStale = (error) => error?.stale || error?.name === "AbortError";

function checkEpoch(mine) {
  if (mine !== epoch) throw Object.assign(new Error("stale cart answer"), { stale: true });
}

/** The cart answer `value`, unless the shopper has moved on since epoch `mine`. */
function apply(mine, value) {
  checkEpoch(mine);
  return setCart(value);
}

/** Remember the shopper's country (chosen in checkout or remembered) for later answers. */
export const setCountry = (code) => {
  country = /^[A-Z]{2}$/.test(code) ? code : null;
};
const where = () => (country ? `?country=${country}` : "");

export const getCart = () => cart;
export const getToken = () => readToken();

/** Call fn(cart) after every change; returns an unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function createCart(mine) {
  const answer = await api.request(PATH_CARTS + where(), { method: "POST", body: { store: api.store } });
  checkEpoch(mine);
  setToken(answer.token);
  setCart(answer.cart);
  return answer.token;
}

/**
 * Run call(token) against the cart. Without a (valid) cart, `create` makes one first;
 * otherwise the answer is null and the local cart is emptied.
 */
async function withCart(call, create, mine) {
  if (!readToken()) return create ? call(await createCart(mine)) : setCart(null);
  try {
    return await call(token);
  } catch (error) {
    if (!GONE.includes(error.code)) throw error;
    checkEpoch(mine); // (an ordered cart's late "gone" must not drop a newer cart)
    setToken(null);
    if (!create) return setCart(null);
    return call(await createCart(mine));
  }
}

// Cart requests run one at a time, so an older answer never replaces a newer one; each run
// gets the epoch it started in.
function enqueue(run) {
  const start = () => run(epoch);
  const result = queue.then(start, start);
  queue = result.catch(() => {});
  return result;
}

const send = (current, path, options) => api.request(`${PATH_CARTS}/${current}${path}${where()}`, options);

/** Queue a cart change; resolves to the new cart (rejects with the server's error). */
const change = (method, path, body, create = false) =>
  enqueue((mine) =>
    withCart(async (current) => apply(mine, await send(current, path, { method, body })), create, mine),
  );

const item = (sku) => `/items/${encodeURIComponent(sku)}`;

export const loadCart = () => change("GET", "");
export const addItem = (sku, quantity) => change("POST", "/items", { sku, quantity }, true);
export const setQuantity = (sku, quantity) => change("PUT", item(sku), { quantity });
export const removeItem = (sku) => change("DELETE", item(sku));
export const applyCode = (code) => change("PUT", "/discount", { code });
export const removeCode = () => change("DELETE", "/discount");

/**
 * Shipping options and totals for a destination (display only); null without a cart.
 * `signal` aborts it (a newer quote or a closed checkout makes it pointless).
 */
export const quote = (body, signal) =>
  enqueue((mine) =>
    withCart(
      async (current) => {
        const answer = await send(current, "/quote", { method: "POST", body, signal });
        checkEpoch(mine);
        if (isCart(answer?.cart)) setCart(answer.cart);
        return answer;
      },
      false,
      mine,
    ),
  );

/**
 * Take over a cart the server made or changed elsewhere (an offer's claim put a coupon on it).
 * `basedOn`: the token the claim was made with; if the shopper has moved to another cart (or
 * ordered) since, the newer cart stays.
 */
export function adoptCart(newToken, value, basedOn = readToken()) {
  return enqueue(() => {
    if ((basedOn || null) !== readToken()) return cart;
    // The same cart: its snapshot may be older than an answer already shown, so ask again.
    if (!TOKEN.test(newToken) || newToken === token) return null;
    epoch++;
    setToken(newToken);
    return isCart(value) ? setCart(value) : null;
  }).then((value) => value || loadCart());
}

/** The order is placed: this cart is finished, and answers still on their way with it. */
export function forgetCart() {
  epoch++;
  setToken(null);
  setCart(null);
}
