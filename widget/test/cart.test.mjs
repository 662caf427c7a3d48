// The cart module's "latest wins" rule, with Node's own test runner (`node --test widget/test/`,
// which tests/unit/test_widget_offers.py runs): an answer that arrives after the shopper has
// moved on (ordered, taken over another cart, asked again) changes nothing they see.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import { setApi } from "../src/checkout/env.js";

const TOKEN = "cart-token-1";
const cartOf = (count) => ({
  currency: "EUR",
  item_count: count,
  subtotal: 2400 * count,
  items: Array.from({ length: count }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 })),
});

let sent; // requests on their way: {path, options, answer(value), fail(error)}
let changes; // cart:change details emitted
let cart; // a fresh instance of ../src/checkout/cart.js for each test
let copies = 0;

beforeEach(async () => {
  sent = [];
  changes = [];
  setApi({
    store: "pk_test",
    config: { store: { currency: "EUR" } },
    emit: (_name, detail) => changes.push(detail),
    storage: { get: () => null, set: () => {} }, // nothing stored
    request: (path, options = {}) =>
      new Promise((resolve, reject) => {
        const request = { path, options, answer: resolve, fail: reject };
        sent.push(request);
        options.signal?.addEventListener("abort", () =>
          reject(Object.assign(new Error("aborted"), { name: "AbortError" })),
        );
      }),
  });
  cart = await import(`../src/checkout/cart.js?copy=${++copies}`);
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function cartWithOneItem() {
  const adding = cart.addItem("SKU-0", 1);
  await settle();
  sent.shift().answer({ token: TOKEN, cart: cartOf(0) });
  await settle();
  sent.shift().answer(cartOf(1));
  await adding;
  assert.equal(cart.getCart().item_count, 1);
}

test("a change answered after the order changes nothing, and says it is stale", async () => {
  await cartWithOneItem();
  const more = cart.setQuantity("SKU-0", 2);
  await settle();
  cart.forgetCart(); // the order is placed while the change is on its way
  sent.shift().answer(cartOf(2));
  await assert.rejects(more, (error) => cart.isStale(error));
  assert.equal(cart.getCart(), null);
  assert.equal(cart.getToken(), null);
  assert.deepEqual(changes.at(-1), { count: 0, subtotal: 0, currency: "EUR", free_shipping: null });
});

test("a quote answered after the order neither brings the cart back nor empties another", async () => {
  await cartWithOneItem();
  const quoting = cart.quote({ address: { country: "IE" } });
  await settle();
  cart.forgetCart();
  sent.shift().answer({ cart: cartOf(1), totals: { total: 2895 } });
  await assert.rejects(quoting, (error) => cart.isStale(error));
  assert.equal(cart.getCart(), null);
  assert.equal(changes.filter((detail) => detail.count).length, 1); // only the add's
});

test("an ordered cart's late 'gone' answer does not touch the cart that came after", async () => {
  await cartWithOneItem();
  const quoting = cart.quote({});
  await settle();
  cart.forgetCart();
  const gone = Object.assign(new Error("That cart has already been ordered."), { status: 409, code: "cart_closed" });
  sent.shift().fail(gone);
  await assert.rejects(quoting, (error) => cart.isStale(error));
  // The next add makes a new cart: nothing from the old one is in the way.
  cart.addItem("SKU-0", 1);
  await settle();
  assert.equal(sent[0].path, "/v1/carts");
});

test("an aborted quote rejects as stale and lets the next request go", async () => {
  await cartWithOneItem();
  const controller = new AbortController();
  const quoting = cart.quote({}, controller.signal);
  await settle();
  const loading = cart.loadCart();
  controller.abort();
  await assert.rejects(quoting, (error) => cart.isStale(error));
  await settle();
  assert.equal(sent.at(-1).options.method, "GET");
  sent.at(-1).answer(cartOf(1));
  assert.equal((await loading).item_count, 1);
});

test("a claim made for a cart the shopper has since ordered is not adopted", async () => {
  await cartWithOneItem();
  cart.forgetCart();
  const adopted = cart.adoptCart("cart-token-2", cartOf(1), TOKEN);
  await settle();
  assert.equal(sent.length, 0); // kept the newer state: no cart, nothing asked
  assert.equal(await adopted, null);
  assert.equal(cart.getToken(), null);
});

test("a claim made for the cart the shopper still has is read back from the shop", async () => {
  await cartWithOneItem();
  const withCoupon = { ...cartOf(1), discount: { code: "KC-1", amount: 240 } };
  const adopted = cart.adoptCart(TOKEN, { ...cartOf(1), discount: { code: "KC-1" } }, TOKEN);
  await settle();
  assert.equal(sent.length, 1); // the cart as the shop has it now, not the claim's snapshot
  sent.shift().answer(withCoupon);
  assert.equal(await adopted, withCoupon);
  assert.equal(cart.getCart().discount.code, "KC-1");
});

test("a claim's snapshot answered after a newer change to the same cart never replaces it", async () => {
  await cartWithOneItem();
  // The claim is on its way; the shop's own script adds an item, answered first.
  const adding = cart.addItem("SKU-1", 1);
  await settle();
  sent.shift().answer(cartOf(2));
  await adding;
  // The claim's answer (read before the add was written) arrives now.
  const adopted = cart.adoptCart(TOKEN, { ...cartOf(1), discount: { code: "KC-X" } }, TOKEN);
  await settle();
  assert.equal(cart.getCart().item_count, 2);
  sent.shift().answer({ ...cartOf(2), discount: { code: "KC-X" } });
  await adopted;
  assert.equal(cart.getCart().item_count, 2);
  assert.equal(cart.getCart().discount.code, "KC-X");
});

test("every cart request names the shopper's country once it is known", async () => {
  await cartWithOneItem();
  cart.setCountry("DE");
  const loading = cart.loadCart();
  await settle();
  assert.equal(sent[0].path, `/v1/carts/${TOKEN}?country=DE`);
  sent.shift().answer(cartOf(1));
  await loading;
  cart.setCountry("not a country");
  cart.loadCart();
  await settle();
  assert.equal(sent[0].path, `/v1/carts/${TOKEN}`);
});
