// The address rules that follow a country's format (src/checkout/address-rules.js): which
// fields are asked for, what they are called, and what a postal code must look like.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { normalizePostal, postalRule, regionRule, shippingCountry } from "../src/checkout/address-rules.js";

test("postal codes are sent upper case with single spaces", () => {
  assert.equal(normalizePostal("  d02   xy45 "), "D02 XY45");
  assert.equal(normalizePostal("sw1a1aa"), "SW1A1AA");
  assert.equal(normalizePostal("   "), "");
});

describe("region", () => {
  test("no region in the format: no field", () => assert.equal(regionRule(null), null));
  test("with options: a required choice, named by the country's label", () => {
    const rule = regionRule({ label: "County", required: true, options: [["D", "Dublin"]] });
    assert.equal(rule.label, "County");
    assert.equal(rule.required, "Choose a county.");
    assert.deepEqual(rule.options, [
      ["", "Select a county"],
      ["D", "Dublin"],
    ]);
  });
  test("without options: typed in; optional when not required; 'Region' by default", () => {
    const typed = regionRule({ required: true, options: [] });
    assert.equal(typed.label, "Region");
    assert.equal(typed.required, "Enter a region.");
    assert.equal(typed.options, null);
    assert.equal(regionRule({ label: "State" }).required, undefined);
  });
});

describe("postal code", () => {
  const eircode = postalRule({
    label: "Postcode",
    required: true,
    pattern: "^[A-Z]\\d[\\dW] ?[A-Z\\d]{4}$",
    example: "D02 XY45",
  });
  test("no postal code in the format: no field", () => assert.equal(postalRule(undefined), null));
  test("named by the country's label, required with its own words", () => {
    assert.equal(eircode.label, "Postcode");
    assert.equal(eircode.required, "Enter a postcode.");
  });
  test("checked against the pattern after normalising, with the example in the message", () => {
    assert.equal(eircode.check("d02 xy45"), "");
    assert.equal(eircode.check(" D02XY45 "), "");
    assert.equal(eircode.check("12345"), "Enter a valid postcode, like D02 XY45.");
  });
  test("a pattern the browser can't compile accepts anything (the server still checks)", () => {
    const broken = postalRule({ pattern: "([", required: false });
    assert.equal(broken.label, "Postal code");
    assert.equal(broken.check("anything"), "");
  });
});

test("the country shown: the asked one if shipped to, else the store's default, else the first", () => {
  const setup = { default_country: "IE", countries: [{ code: "FR" }, { code: "IE" }] };
  const countries = new Map(setup.countries.map((country) => [country.code, country]));
  assert.equal(shippingCountry("FR", countries, setup), "FR");
  assert.equal(shippingCountry("US", countries, setup), "IE");
  assert.equal(shippingCountry(undefined, countries, setup), "IE");
  assert.equal(shippingCountry("US", countries, { ...setup, default_country: "DE" }), "FR");
  assert.equal(shippingCountry("US", new Map(), { default_country: "IE", countries: [] }), undefined);
});
