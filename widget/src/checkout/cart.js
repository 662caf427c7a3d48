// The shopper's cart: a server-side cart named by a signed token kept in localStorage.
// Every change goes to the server (the price authority) and the answer replaces the local
// copy; changes run one at a time, in order. A token the server no longer honours (unknown,
// forged, expired or already ordered) is dropped and, when adding, a new cart is made.
import { CART_KEY, EV_CART_CHANGE, PATH_CARTS } from "../constants.js";
import { api } from "./env.js";

const GONE = ["cart_not_found", "invalid_cart", "cart_closed"];
const TOKEN = /^[\w.-]{8,500}$/;

let token;
let cart = null;
let queue = Promise.resolve();
let last = null; // the last cart:change detail sent, as JSON
const listeners = new Set();

function storage(method, value) {
  try {
    return localStorage[method](CART_KEY, value);
  } catch {}
}

function readToken() {
  if (token === undefined) {
    const stored = storage("getItem");
    token = TOKEN.test(stored) ? stored : null;
  }
  return token;
}

function setToken(value) {
  token = value;
  if (value) storage("setItem", value);
  else storage("removeItem");
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

export const getCart = () => cart;
export const getToken = () => readToken();

/** Call fn(cart) after every change; returns an unsubscribe function. */
export function subscribe(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

async function createCart() {
  const answer = await api.request(PATH_CARTS, { method: "POST", body: { store: api.store } });
  setToken(answer.token);
  setCart(answer.cart);
  return answer.token;
}

/**
 * Run call(token) against the cart. Without a (valid) cart, `create` makes one first;
 * otherwise the answer is null and the local cart is emptied.
 */
async function withCart(call, create) {
  if (!readToken()) return create ? call(await createCart()) : setCart(null);
  try {
    return await call(token);
  } catch (error) {
    if (!GONE.includes(error.code)) throw error;
    setToken(null);
    if (!create) return setCart(null);
    return call(await createCart());
  }
}

// Cart requests run one at a time, so an older answer never replaces a newer one.
function enqueue(run) {
  const result = queue.then(run, run);
  queue = result.catch(() => {});
  return result;
}

/** Queue a cart change; resolves to the new cart (rejects with the server's error). */
const change = (method, path, body, create = false) =>
  enqueue(() =>
    withCart(async (current) => setCart(await api.request(`${PATH_CARTS}/${current}${path}`, { method, body })), create),
  );

const item = (sku) => `/items/${encodeURIComponent(sku)}`;

export const loadCart = () => change("GET", "");
export const addItem = (sku, quantity) => change("POST", "/items", { sku, quantity }, true);
export const setQuantity = (sku, quantity) => change("PUT", item(sku), { quantity });
export const removeItem = (sku) => change("DELETE", item(sku));
export const applyCode = (code) => change("PUT", "/discount", { code });
export const removeCode = () => change("DELETE", "/discount");

/** Shipping options and totals for a destination (display only); null without a cart. */
export const quote = (body) =>
  enqueue(() =>
    withCart(async (current) => {
      const answer = await api.request(`${PATH_CARTS}/${current}/quote`, { method: "POST", body });
      if (isCart(answer?.cart)) setCart(answer.cart);
      return answer;
    }, false),
  );

/** Take over a cart the server made or changed elsewhere (an offer's claim put a coupon on it). */
export function adoptCart(newToken, value) {
  if (!TOKEN.test(newToken)) return loadCart();
  return enqueue(() => {
    setToken(newToken);
    return isCart(value) ? setCart(value) : null;
  }).then((cart) => cart || loadCart());
}

/** The order is placed: this cart is finished. */
export function forgetCart() {
  setToken(null);
  setCart(null);
}
