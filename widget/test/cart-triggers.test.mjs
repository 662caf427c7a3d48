// A reminder's link lands on the shop's page with a claim in the fragment (src/cart-triggers.js):
// the loader exchanges it once for the rebuilt cart, and never replaces a cart with items in it.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

const CLAIM = "eyJzIjoxLCJjIjo1LCJuIjoxLCJrIjoiYWJjIn0.aBcDeF.sIgNaTuRe-of-the-claim";
const saved = new Map();
globalThis.localStorage = {
  getItem: (key) => saved.get(key) ?? null,
  setItem: (key, value) => saved.set(key, String(value)),
  removeItem: (key) => saved.delete(key),
};
globalThis.addEventListener = () => {};
const addressBar = [];
globalThis.history = { state: null, replaceState: (_state, _title, url) => addressBar.push(url) };

const { bindCart } = await import("../src/cart-triggers.js");
const { flushStorage, getStored, LOCAL, setStored } = await import("../src/storage.js");
const { CART_KEY } = await import("../src/constants.js");

/** The page as the link lands on it; `answer(body)` is the server's (a rejection: it failed). */
function land(answer) {
  const seen = { requests: [], opened: 0, preloaded: 0 };
  globalThis.location = {
    hash: `#keepcart-cart=${CLAIM}`,
    href: `https://shop.example/basket#keepcart-cart=${CLAIM}`,
  };
  const api = {
    store: "pk_shop",
    loadChunk: async () => ({ open: () => seen.opened++ }),
    request: async (path, options) => {
      seen.requests.push({ path, ...options });
      return answer(JSON.parse(options.body));
    },
  };
  bindCart(api, { name: "checkout" }, () => seen.preloaded++);
  return seen;
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 5));

beforeEach(() => {
  addressBar.length = 0;
  setStored(LOCAL, CART_KEY, null);
  flushStorage();
});

test("the claim is exchanged once, as text, for the cart that then opens", async () => {
  const seen = land(() => ({ token: "the.rebuilt.cart-token" }));
  assert.deepEqual(addressBar, ["https://shop.example/basket"]); // at once, before any answer
  await settled();
  const [sent] = seen.requests;
  assert.equal(seen.requests.length, 1);
  assert.equal(sent.path, "/v1/recovery/claims");
  assert.equal(sent.method, "POST");
  assert.equal(typeof sent.body, "string"); // text/plain: no CORS preflight
  assert.deepEqual(JSON.parse(sent.body), { store: "pk_shop", claim: CLAIM, cart: null });
  assert.equal(getStored(LOCAL, CART_KEY), "the.rebuilt.cart-token");
  assert.equal(seen.opened, 1);
});

test("a cart the shopper has is sent along, and kept when the server keeps it", async () => {
  setStored(LOCAL, CART_KEY, "the.shoppers-own.cart");
  const seen = land((body) => {
    assert.equal(body.cart, "the.shoppers-own.cart");
    return { token: null };
  });
  await settled();
  assert.equal(getStored(LOCAL, CART_KEY), "the.shoppers-own.cart");
  assert.equal(seen.opened, 0);
  assert.equal(seen.preloaded, 1);
});

test("a refused or failed exchange changes nothing and throws nothing", async () => {
  setStored(LOCAL, CART_KEY, "the.shoppers-own.cart");
  const seen = land(() => Promise.reject(Object.assign(new Error("gone"), { status: 404 })));
  await settled();
  assert.equal(getStored(LOCAL, CART_KEY), "the.shoppers-own.cart");
  assert.equal(seen.opened, 0);
});
