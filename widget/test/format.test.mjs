// Money, counts, delivery words and the offer clock as the shopper reads them
// (src/checkout/format.js, src/checkout/countdown.js).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { clock, expiryStage } from "../src/checkout/countdown.js";
import { arrives, itemCount, money } from "../src/checkout/format.js";

// Intl puts a no-break space in some currencies; compare with plain spaces.
const plain = (text) => text.replace(/\s/g, " ");

describe("money", () => {
  test("integer minor units in the currency's own digits", () => {
    assert.equal(money(6975, "EUR", "en-IE"), "€69.75");
    assert.equal(money(5, "EUR", "en-IE"), "€0.05");
    assert.match(money(1200, "JPY", "en-IE"), /¥1,200$/); // no minor unit
    assert.equal(plain(money(1234, "KWD", "en-IE")), "KWD 1.234"); // three minor digits
  });
  test("the store's locale decides the separators", () => {
    assert.equal(plain(money(123456, "EUR", "de-DE")), "1.234,56 €");
  });
  test("an unknown locale falls back to the default instead of throwing", () => {
    assert.match(money(6975, "EUR", "not a locale"), /69\.75/);
  });
});

test("itemCount says item or items", () => {
  assert.equal(itemCount(0), "0 items");
  assert.equal(itemCount(1), "1 item");
  assert.equal(itemCount(2), "2 items");
});

test("arrives shows the server's words, or nothing", () => {
  assert.equal(arrives({ text: "Arrives Tue 9 – Thu 11 Dec" }), "Arrives Tue 9 – Thu 11 Dec");
  assert.equal(arrives(null), "");
  assert.equal(arrives({ text: 3 }), "");
});

describe("offer clock", () => {
  test("minutes and seconds, rounded up to the second; hours when there are some", () => {
    assert.equal(clock(29 * 60000 + 5000), "29:05");
    assert.equal(clock(29 * 60000 + 4001), "29:05");
    assert.equal(clock(999), "0:01");
    assert.equal(clock(3723000), "1:02:03");
    assert.equal(clock(0), "0:00");
    assert.equal(clock(-5), "0:00");
  });
  test("stages: more than 5 minutes, up to 5, the last minute, over", () => {
    const at = [300001, 300000, 60001, 60000, 1, 0].map(expiryStage);
    assert.deepEqual(at, [0, 1, 1, 2, 2, 3]);
  });
});
