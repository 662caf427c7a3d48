// The checkout form's decisions (src/checkout/form-rules.js): the shipping method kept, the
// Pay button's words, a code the quote left out, and what failures name.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  checkFields,
  codeLeftOut,
  outOfStockSku,
  payWords,
  refusedCodeWords,
  shippingChoice,
} from "../src/checkout/form-rules.js";

const price = (amount) => `€${(amount / 100).toFixed(2)}`;

describe("shipping method", () => {
  const options = [{ id: 1 }, { id: 2 }];
  test("the server's pick wins", () => assert.equal(shippingChoice({ shipping_method: 2 }, options, 1), 2));
  test("else the shopper's, while it is still offered", () => {
    assert.equal(shippingChoice({}, options, 2), 2);
    assert.equal(shippingChoice({}, options, 3), 1);
    assert.equal(shippingChoice({}, options, null), 1);
  });
  test("no options: none", () => assert.equal(shippingChoice({}, [], 2), null));
});

test("Pay says the total for the card or before a method is picked; other methods place the order", () => {
  assert.equal(payWords("test_card", 4320, price), "Pay €43.20");
  assert.equal(payWords("", 4320, price), "Pay €43.20");
  assert.equal(payWords("test_card", null, price), "Pay");
  assert.equal(payWords("test_card", 0, price), "Pay €0.00");
  assert.equal(payWords("bank_transfer", 4320, price), "Place order");
});

describe("a code the quote left out", () => {
  const cart = { discount_code: "SAVE10" };
  const refused = (over = {}) => ({
    cart: { discount_code: "SAVE10", discount: null },
    discount_error: { message: "Orders of €50.00 or more." },
    ...over,
  });
  test("is named with the server's reason", () => {
    assert.equal(codeLeftOut(cart, refused()), "Code SAVE10 wasn't applied: Orders of €50.00 or more.");
  });
  test("nothing when it applied, there was no refusal, the quote was for another code, or no cart", () => {
    assert.equal(codeLeftOut(cart, refused({ cart: { discount_code: "SAVE10", discount: { amount: 1 } } })), "");
    assert.equal(codeLeftOut(cart, refused({ discount_error: null })), "");
    assert.equal(codeLeftOut({ discount_code: "OTHER" }, refused()), "");
    assert.equal(codeLeftOut(null, refused()), "");
    assert.equal(codeLeftOut(cart, null), "");
  });
});

test("a code checkout refused: once per customer names the email, else the server's words", () => {
  const cart = { discount_code: "WELCOME", discount: { once_per_customer: true } };
  const used = { code: "discount_used_up", message: "Used up." };
  assert.equal(
    refusedCodeWords(used, cart, "ana@example.com"),
    "WELCOME can be used once per customer and ana@example.com has used it.",
  );
  assert.equal(
    refusedCodeWords(used, { ...cart, discount: {} }, "ana@example.com"),
    "Code WELCOME wasn't applied: Used up.",
  );
  assert.equal(
    refusedCodeWords({ code: "discount_expired", message: "Expired." }, cart, "a@b.c"),
    "Code WELCOME wasn't applied: Expired.",
  );
});

test("an out-of-stock error names its line by SKU", () => {
  assert.equal(outOfStockSku({ field: "items.MUG-1" }), "MUG-1");
  assert.equal(outOfStockSku({ field: "code" }), null);
  assert.equal(outOfStockSku({}), null);
});

test("how many fields to check", () => {
  assert.equal(checkFields(1), "Check the highlighted field.");
  assert.equal(checkFields(3), "Check the 3 highlighted fields.");
});
