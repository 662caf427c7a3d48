// The trust badges' words (src/badges/words.js) and the holdout's hash (src/badges/holdout.js;
// its twin in Python is checked against it by tests/unit/test_trust_holdout_twin.py).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { bucket, fnv1a32, heldOut } from "../src/badges/holdout.js";
import {
  cartMoney,
  deliveryChange,
  deliveryDetails,
  deliveryWords,
  freeShippingWords,
  nextTick,
  ownDate,
  shopperZone,
  timeLeft,
  zoneOf,
} from "../src/badges/words.js";

const MINUTE = 60000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const price = (amount) => `€${(amount / 100).toFixed(2)}`;
// Monday 7 December 2026, 11:46 in Dublin (UTC in winter); the cut-off is 14:00.
const MONDAY_MORNING = Date.UTC(2026, 11, 7, 11, 46);
const CUTOFF = Date.UTC(2026, 11, 7, 14, 0);
const DELIVERY = {
  deadline: CUTOFF,
  cutoff: "14:00",
  // Each day's span in the store's timezone (Dublin: UTC in winter), as the server sends it.
  dispatch: { date: "2026-12-07", words: "Mon 7 Dec", from: Date.UTC(2026, 11, 7), to: Date.UTC(2026, 11, 8) },
  later: {
    date: "2026-12-08",
    words: "Tue 8 Dec",
    until: CUTOFF + 24 * 3600000,
    from: Date.UTC(2026, 11, 8),
    to: Date.UTC(2026, 11, 9),
  },
  arrivals: [{ method: "Standard", arrives: "Arrives Tue 8 – Thu 10 Dec", later: "Arrives Wed 9 – Fri 11 Dec" }],
};
const [IRELAND] = DELIVERY.arrivals;

describe("the shopper's zone", () => {
  const trust = {
    home: "IE",
    zones: [
      { countries: ["IE"], free_over: 6000 },
      { countries: ["DE", "FR"], free_over: 8000 },
      { countries: ["*"], free_over: null },
    ],
  };
  test("the region of the browser's language names it", () => {
    assert.equal(shopperZone(trust, "de-DE"), 1);
    assert.equal(shopperZone(trust, "en-IE"), 0);
    assert.equal(shopperZone(trust, "zh-Hans-FR"), 1); // a script subtag before the region
  });
  test("a region no zone names: the rest of the world, else nothing (the store does not ship there)", () => {
    assert.equal(shopperZone(trust, "en-US"), 2);
    assert.equal(shopperZone(trust, "es-419"), 2); // Latin America: a region, not the store's home
    assert.equal(shopperZone({ ...trust, zones: trust.zones.slice(0, 2) }, "en-US"), -1);
    assert.equal(shopperZone({}, "en-IE"), -1);
  });
  test("a country the shopper chose (in checkout): its zone, else the rest of the world, else none", () => {
    assert.equal(zoneOf(trust, "FR"), 1);
    assert.equal(zoneOf(trust, "US"), 2);
    assert.equal(zoneOf({ zones: trust.zones.slice(0, 2) }, "US"), -1);
  });
  test("without a region, the store's home country, then the rest of the world", () => {
    assert.equal(shopperZone(trust, "en"), 0);
    assert.equal(shopperZone({ ...trust, home: "NL" }, "en"), 2);
    assert.equal(shopperZone({ zones: [{ countries: ["IE"] }] }, "not a tag"), -1);
  });
});

describe("free shipping", () => {
  const ireland = { countries: ["IE"], free_over: 5000, free_over_words: "€50" };
  test("the threshold in the server's words, always free, or nothing to say", () => {
    assert.equal(freeShippingWords(ireland, null, price), "Free shipping over €50");
    assert.equal(freeShippingWords({ ...ireland, free_over: 0 }, null, price), "Free shipping");
    assert.equal(freeShippingWords({ ...ireland, free_over: null }, null, price), "");
    assert.equal(freeShippingWords(undefined, { count: 1, subtotal: 9000 }, price), "");
  });
  test("a cart's money: whole amounts without their zeros, others to the cent, in the store's locale", () => {
    assert.equal(cartMoney(6000, "EUR", "en-IE"), "€60");
    assert.equal(cartMoney(1250, "EUR", "en-IE"), "€12.50");
    assert.equal(cartMoney(6000, "EUR", "de-DE"), "60\u00a0€");
    assert.equal(cartMoney(600000, "EUR", "en-IE"), "€6,000");
    assert.equal(cartMoney(6000, "JPY", "en-IE"), "JP¥6,000"); // no minor unit
  });
  test("with a cart: the server's word on how far from it, or reached (after discounts)", () => {
    const away = (remaining, subtotal) => ({ count: 1, subtotal, free_shipping: { threshold: 5000, remaining } });
    assert.equal(freeShippingWords(ireland, away(1250, 3750), price), "€12.50 away from free shipping");
    assert.equal(freeShippingWords(ireland, away(0, 5000), price), "Your order ships free");
    // €64 before a 10 % code is €57.60 after it: still €2.40 away, whatever the subtotal says.
    const sixty = { ...ireland, free_over: 6000, free_over_words: "€60" };
    assert.equal(freeShippingWords(sixty, away(240, 6400), price), "€2.40 away from free shipping");
    // No word from the server (a code gives free shipping already): the zone's offer.
    assert.equal(
      freeShippingWords(ireland, { count: 1, subtotal: 100, free_shipping: null }, price),
      "Free shipping over €50",
    );
    assert.equal(freeShippingWords(ireland, { count: 0, subtotal: 0 }, price), "Free shipping over €50");
  });
});

describe("the delivery promise", () => {
  test("within 24 h of the cut-off, a countdown to the arrival; the dispatch in the details", () => {
    const words = deliveryWords(DELIVERY, IRELAND, MONDAY_MORNING);
    assert.deepEqual(words, ["Order within ", 2 * HOUR + 14 * MINUTE, " to ", "get it Tue 8 – Thu 10 Dec"]);
    assert.equal(timeLeft(words[1]), "2 h 14 min");
    assert.equal(
      deliveryDetails(DELIVERY, IRELAND, MONDAY_MORNING),
      "Dispatched today (Mon 7 Dec) by Standard; orders after 14:00 leave Tue 8 Dec and arrive Wed 9 – Fri 11 Dec.",
    );
  });
  test("tomorrow, or the day's words, by the store's calendar", () => {
    const evening = Date.UTC(2026, 11, 6, 20); // Sunday 20:00: the cut-off is Monday 14:00
    assert.match(deliveryDetails(DELIVERY, IRELAND, evening), /^Dispatched tomorrow \(Mon 7 Dec\) by /);
    const wednesday = {
      date: "2026-12-09",
      words: "Wed 9 Dec",
      from: Date.UTC(2026, 11, 9),
      to: Date.UTC(2026, 11, 10),
    };
    const handled = { ...DELIVERY, dispatch: wednesday };
    assert.match(deliveryDetails(handled, IRELAND, MONDAY_MORNING), /^Dispatched Wed 9 Dec by Standard; /);
    // 23:30 UTC on Sunday is already Monday 12:30 in Auckland, where the store's day runs from
    // 11:00 UTC Sunday: "today" is the store's, said only to a shopper whose own date is the
    // store's too (these tests run at TZ=UTC: still Sunday here), else the day's words.
    const late = Date.UTC(2026, 11, 6, 23, 30);
    const monday = { ...DELIVERY.dispatch, from: Date.UTC(2026, 11, 6, 11), to: Date.UTC(2026, 11, 7, 11) };
    const auckland = { ...DELIVERY, deadline: late + HOUR, cutoff: "13:30", dispatch: monday };
    assert.match(deliveryDetails(auckland, IRELAND, late), /^Dispatched Mon 7 Dec by .* after 13:30 /);
  });
  test("more than 24 h ahead, the arrival without a countdown", () => {
    const friday = Date.UTC(2026, 11, 4, 18); // the next cut-off is Monday's
    assert.deepEqual(deliveryWords(DELIVERY, IRELAND, friday), ["Get it Tue 8 – Thu 10 Dec"]);
    assert.match(deliveryDetails(DELIVERY, IRELAND, friday), /^Dispatched Mon 7 Dec by Standard; /);
  });
  test("after the cut-off, the later dispatch and arrival, no countdown", () => {
    assert.deepEqual(deliveryWords(DELIVERY, IRELAND, CUTOFF), ["Get it Wed 9 – Fri 11 Dec"]);
    assert.equal(deliveryDetails(DELIVERY, IRELAND, CUTOFF), "Dispatched tomorrow (Tue 8 Dec) by Standard.");
    // It holds until Tuesday's cut-off, and then the words change (to nothing).
    assert.equal(deliveryChange(DELIVERY, CUTOFF + 1), DELIVERY.later.until - CUTOFF);
  });
  test("past the later dispatch's own cut-off (a tab left open), nothing at all", () => {
    const tuesdayAfternoon = DELIVERY.later.until + MINUTE;
    assert.equal(deliveryWords(DELIVERY, IRELAND, tuesdayAfternoon), null);
    assert.equal(deliveryDetails(DELIVERY, IRELAND, tuesdayAfternoon), "");
    assert.equal(deliveryChange(DELIVERY, tuesdayAfternoon), 0);
  });
  test("nothing from a promise kept past its later dispatch, or for a zone without a method", () => {
    assert.equal(deliveryWords(DELIVERY, IRELAND, Date.UTC(2026, 11, 9, 9)), null);
    assert.equal(deliveryWords(DELIVERY, null, MONDAY_MORNING), null);
    assert.equal(deliveryWords(undefined, IRELAND, MONDAY_MORNING), null);
    assert.equal(deliveryDetails(DELIVERY, IRELAND, Date.UTC(2026, 11, 9, 9)), "");
  });
  test("the countdown's words: minutes from an hour on, seconds under it, rounded down", () => {
    assert.equal(timeLeft(2 * HOUR + 14 * MINUTE + 59999), "2 h 14 min");
    assert.equal(timeLeft(HOUR), "1 h 00 min");
    assert.equal(timeLeft(HOUR - 1), "59 min 59 s");
    assert.equal(timeLeft(5 * MINUTE + 9000), "05 min 09 s");
    assert.equal(timeLeft(-5), "00 min 00 s");
  });
  test("the next tick is when the words change: each minute, each second in the last hour", () => {
    assert.equal(nextTick(2 * HOUR + 14 * MINUTE + 30000), 30001);
    assert.equal(timeLeft(2 * HOUR + 14 * MINUTE + 30000 - 30001), "2 h 13 min");
    assert.equal(nextTick(HOUR + 500), 501);
    assert.equal(nextTick(10 * MINUTE + 250), 251);
    // Beyond 24 h the words change when the countdown starts.
    assert.equal(deliveryChange(DELIVERY, CUTOFF - DAY - 5000), 5001);
    assert.equal(deliveryChange({ deadline: Date.now() + 60 * DAY }, Date.now()), 2e9); // within setTimeout's range
  });
  test("the shopper's own date, without a time-zone formatter", () => {
    assert.equal(ownDate(Date.UTC(2026, 11, 6, 23, 30)), "2026-12-06"); // at TZ=UTC
  });
});

describe("the holdout's hash", () => {
  test("32-bit FNV-1a's published vectors", () => {
    // From the FNV reference test suite (Fowler, Noll, Vo: isthe.com/chongo/tech/comp/fnv).
    assert.equal(fnv1a32(""), 0x811c9dc5);
    assert.equal(fnv1a32("a"), 0xe40c292c);
    assert.equal(fnv1a32("foobar"), 0xbf9cf968);
  });
  test("a visitor's bucket, and the share held out", () => {
    assert.equal(bucket("badges", "v_x"), fnv1a32("badges:v_x") % 100);
    assert.equal(heldOut("badges", "v_x", 0), false);
    assert.equal(heldOut("badges", "v_x", 100), true);
    assert.equal(heldOut("badges", "v_x", undefined), false);
    const held = Array.from({ length: 2000 }, (_, i) => heldOut("badges", `v_${i}`, 20)).filter(Boolean);
    assert.ok(held.length > 300 && held.length < 500, `about a fifth: ${held.length}`);
  });
});
