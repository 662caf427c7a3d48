// The checkout's field rules (src/checkout/fields.js), which mirror the server's: what the
// shopper is told before anything is sent. Run by `node --test test/` (tests/unit/test_widget_offers.py).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { rules } from "../src/checkout/fields.js";

const ok = (message) => message === "";

describe("email", () => {
  test("an address with a domain passes", () => {
    assert.ok(ok(rules.email("ana@example.com")));
    assert.ok(ok(rules.email("a.b+tag@shop.example.ie")));
  });
  test("no @, no dot in the domain, spaces or two @ are refused", () => {
    for (const bad of ["ana.example.com", "ana@example", "ana @example.com", "a@b@example.com", ""]) {
      assert.equal(rules.email(bad), "Enter an email address like name@example.com.", bad);
    }
  });
  test("at most 254 characters, as the server allows", () => {
    const local = "a".repeat(64);
    const at254 = `${local}@${"d".repeat(254 - local.length - 5)}.com`;
    assert.equal(at254.length, 254);
    assert.ok(ok(rules.email(at254)));
    assert.ok(!ok(rules.email(`x${at254}`)));
  });
});

describe("phone", () => {
  test("optional: empty passes", () => assert.ok(ok(rules.phone(""))));
  test("international and local forms with spaces, dots, dashes and brackets pass", () => {
    for (const good of ["+353 1 234 5678", "(01) 234-5678", "020.7946.0958", "123456"])
      assert.ok(ok(rules.phone(good)), good);
  });
  test("fewer than 6 digits, letters or more than 20 characters are refused", () => {
    for (const bad of ["12345", "+1 (2) 3-4", "call me", "1".repeat(21)]) {
      assert.equal(rules.phone(bad), "Enter a phone number, like +353 1 234 5678.", bad);
    }
  });
});

describe("card number", () => {
  test("a Luhn-valid number passes, with spaces or dashes", () => {
    assert.ok(ok(rules.cardNumber("4242 4242 4242 4242")));
    assert.ok(ok(rules.cardNumber("4242-4242-4242-4242")));
    assert.ok(ok(rules.cardNumber("5555555555554444")));
    assert.ok(ok(rules.cardNumber("378282246310005"))); // 15 digits: the doubling starts one further in
  });
  test("a Luhn-invalid number is told it isn't valid", () => {
    assert.equal(rules.cardNumber("4242 4242 4242 4241"), "That card number isn't valid. Check it and try again.");
    assert.equal(rules.cardNumber("378282246310006"), "That card number isn't valid. Check it and try again.");
  });
  test("too short, too long or not digits asks for the number", () => {
    for (const bad of ["4242 4242 424", "4".repeat(20), "4242 4242 4242 424x", ""]) {
      assert.equal(rules.cardNumber(bad), "Enter the card number.", bad);
    }
  });
});

describe("expiry", () => {
  const now = new Date(2026, 5, 15); // June 2026
  test("this month and later pass", () => {
    assert.ok(ok(rules.expiry("06/26", now)));
    assert.ok(ok(rules.expiry("6 / 26", now)));
    assert.ok(ok(rules.expiry("01/27", now)));
  });
  test("last month or an earlier year has expired", () => {
    assert.equal(rules.expiry("05/26", now), "This card has expired.");
    assert.equal(rules.expiry("12/25", now), "This card has expired.");
  });
  test("a month outside 1–12 or another shape asks for MM/YY", () => {
    for (const bad of ["00/27", "13/27", "0627", "06/2027", ""]) {
      assert.equal(rules.expiry(bad, now), "Enter the expiry date as MM/YY.", bad);
    }
  });
});

describe("security code", () => {
  test("3 or 4 digits pass", () => {
    assert.ok(ok(rules.cvc("123")));
    assert.ok(ok(rules.cvc("1234")));
  });
  test("anything else is refused", () => {
    for (const bad of ["12", "12345", "12a", ""])
      assert.equal(rules.cvc(bad), "Enter the 3- or 4-digit security code.");
  });
});
