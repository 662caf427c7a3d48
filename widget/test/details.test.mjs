// "Remember my details on this device" (src/checkout/details.js): contact and address only,
// and what is read back from localStorage is checked field by field before it is trusted.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { readDetails, rememberDetails } from "../src/checkout/details.js";
import { DETAILS_KEY } from "../src/constants.js";

let store;
beforeEach(() => {
  store = new Map();
  globalThis.localStorage = {
    getItem: (key) => (store.has(key) ? store.get(key) : null),
    setItem: (key, value) => store.set(key, String(value)),
    removeItem: (key) => store.delete(key),
  };
});

const address = {
  name: "Ana",
  line1: "1 Main St",
  line2: "",
  city: "Dublin",
  region: "",
  postal_code: "D02 XY45",
  country: "IE",
};

test("remembered details read back as they were, with every address field", () => {
  rememberDetails(true, { email: "ana@example.com", phone: "+353 1 234 5678", address });
  assert.deepEqual(readDetails(), { email: "ana@example.com", phone: "+353 1 234 5678", address });
});

test("only contact and address are kept: nothing else the form had (never card data)", () => {
  rememberDetails(true, {
    email: "ana@example.com",
    phone: "",
    address: { ...address, card: "4242" },
    payment: { card: "4242" },
  });
  const stored = JSON.parse(store.get(DETAILS_KEY));
  assert.deepEqual(Object.keys(stored).sort(), ["address", "email", "phone", "v"]);
  assert.equal("card" in stored.address, false);
});

test("unticking forgets them", () => {
  rememberDetails(true, { email: "ana@example.com", phone: "", address });
  rememberDetails(false, { email: "ana@example.com", phone: "", address });
  assert.equal(store.has(DETAILS_KEY), false);
  assert.equal(readDetails(), null);
});

test("what is read back is checked: wrong types and overlong text become empty", () => {
  store.set(
    DETAILS_KEY,
    JSON.stringify({ v: 1, email: 42, phone: "x".repeat(255), address: { name: { evil: true }, city: "Cork" } }),
  );
  const details = readDetails();
  assert.equal(details.email, "");
  assert.equal(details.phone, "");
  assert.equal(details.address.name, "");
  assert.equal(details.address.city, "Cork");
  assert.equal(details.address.country, "");
});

test("another version, no address, or not JSON: nothing is remembered", () => {
  for (const bad of [
    JSON.stringify({ v: 2, email: "a@b.c", address }),
    JSON.stringify({ v: 1, email: "a@b.c" }),
    JSON.stringify({ v: 1, address: null }),
    "{not json",
  ]) {
    store.set(DETAILS_KEY, bad);
    assert.equal(readDetails(), null, bad);
  }
});

test("storage that throws (blocked in a private window) is no error", () => {
  globalThis.localStorage = {
    getItem() {
      throw new Error("blocked");
    },
    setItem() {
      throw new Error("blocked");
    },
  };
  assert.equal(readDetails(), null);
  assert.doesNotThrow(() => rememberDetails(true, { email: "", phone: "", address }));
});
