// What the drawer and the summary show of a cart (src/checkout/figures.js): line names,
// quantity limits, totals before a quote, the discount row and the free-shipping line.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  atMost,
  buyable,
  cartTotals,
  discountRow,
  freeShippingLine,
  lineName,
  typedQuantity,
} from "../src/checkout/figures.js";

const price = (amount) => `€${(amount / 100).toFixed(2)}`;
const line = (over) => ({ name: "Mug", quantity: 2, available: null, ...over });

test("a line is called by its name, and its variant when it has one", () => {
  assert.equal(lineName({ name: "Stoneware Mug" }), "Stoneware Mug");
  assert.equal(lineName({ name: "Linen Apron", variant: "Size: Small" }), "Linen Apron (Size: Small)");
});

describe("quantities", () => {
  test("a typed quantity is a whole number from 0 to 999; empty means 0", () => {
    assert.deepEqual(["3", " 12 ", "0", "999", ""].map(typedQuantity), [3, 12, 0, 999, 0]);
  });
  test("negative, fractional, too large or not a number is refused", () => {
    assert.deepEqual(["-1", "1.5", "1000", "two", "1e3"].map(typedQuantity), [null, null, null, null, null]);
  });
  test("a line can take no more at the stock left or at 999", () => {
    assert.equal(atMost(line({ available: 3 })), false);
    assert.equal(atMost(line({ quantity: 3, available: 3 })), true);
    assert.equal(atMost(line({ quantity: 998 })), false);
    assert.equal(atMost(line({ quantity: 999 })), true);
  });
  test("a line asking more than is left can be bought at what is left (none: remove it)", () => {
    assert.equal(buyable(line({ available: null })), null);
    assert.equal(buyable(line({ quantity: 2, available: 2 })), null);
    assert.equal(buyable(line({ quantity: 5, available: 2 })), 2);
    assert.equal(buyable(line({ quantity: 5, available: 0 })), 0);
    assert.equal(buyable(line({ quantity: 5, available: -1 })), 0);
  });
});

test("before a quote the total is the subtotal less the discount, shipping unknown", () => {
  assert.deepEqual(cartTotals({ subtotal: 4800, discount: { amount: 480 } }), {
    subtotal: 4800,
    discount: 480,
    shipping: null,
    total: 4320,
  });
  assert.deepEqual(cartTotals({ subtotal: 4800, discount: null }).total, 4800);
});

test("the drawer's discount row: the code and label, the saving, or why there is none yet", () => {
  const discount = { code: "SAVE10", label: "10% off", amount: 480 };
  assert.deepEqual(discountRow(discount, true, price), ["SAVE10 · 10% off", "−€4.80"]);
  assert.deepEqual(discountRow({ code: "SHIP", amount: 0 }, true, price), ["SHIP", "Applied"]);
  assert.deepEqual(discountRow({ code: "SHIP", amount: 0 }, false, price), ["SHIP", "Saved"]);
});

describe("free shipping", () => {
  const offer = { threshold: 6000, remaining: 3600, zone: "Ireland", destination: null };
  test("until the country is known: the store's offer, with what is left to add", () => {
    assert.deepEqual(freeShippingLine(offer, price), {
      text: "Free shipping to Ireland on orders over €60.00: add €36.00 more",
      max: 6000,
      value: 2400,
    });
    assert.equal(
      freeShippingLine({ ...offer, remaining: 0 }, price).text,
      "Your order qualifies for free shipping to Ireland",
    );
  });
  test("once the country is known: that country's words", () => {
    const there = { ...offer, destination: "France" };
    assert.equal(freeShippingLine(there, price).text, "Add €36.00 more for free shipping to France");
    assert.equal(freeShippingLine({ ...there, remaining: 0 }, price).text, "You've got free shipping to France");
  });
  test("no zone name: no 'to …'", () => {
    assert.equal(
      freeShippingLine({ ...offer, zone: null }, price).text,
      "Free shipping on orders over €60.00: add €36.00 more",
    );
  });
  test("no offer, a zero threshold or a negative remainder: no line", () => {
    for (const none of [null, 0, { ...offer, threshold: 0 }, { ...offer, remaining: -1 }]) {
      assert.equal(freeShippingLine(none, price), null);
    }
  });
  test("the meter never goes below empty", () => {
    assert.equal(freeShippingLine({ ...offer, remaining: 9000 }, price).value, 0);
  });
});
