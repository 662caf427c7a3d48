// What each trust badge says: pure functions of config.trust (server/trust/facts.py), the
// shopper's cart and the clock, so Node tests them (test/badges.test.mjs). The server leaves
// a kind out of config.trust while its fact does not hold; these only word what is there.

import { money } from "../checkout/format.js";

export const DAY_MS = 86400000;
const HOUR_MS = 3600000;
export const SECURE_DETAILS =
  "Checkout is encrypted (HTTPS) all the way, and card numbers are never stored by this shop.";

/**
 * The index in `trust.zones` of the shopper's likely shipping zone: the zone naming the region
 * of `language` ("en-IE" → IE), else the rest-of-the-world zone ("*"); without a region, the
 * store's home country's (`trust.home`) zone, else "*"; -1 when none (a country the store does
 * not ship to hears no promise).
 */
export function shopperZone(trust, language) {
  const zones = Array.isArray(trust?.zones) ? trust.zones : [];
  let region;
  try {
    region = new Intl.Locale(language).region;
  } catch {}
  for (const country of [region || trust?.home, "*"]) {
    const index = country ? zones.findIndex((zone) => zone?.countries?.includes?.(country)) : -1;
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * The free-shipping words for a zone's threshold `freeOver` (0: always free; null: never,
 * then "") and the shopper's `cart` ({count, free_shipping}: the server's word, after
 * discounts, never recomputed here); `price(amount)` formats money.
 */
export function freeShippingWords(freeOver, cart, price) {
  if (freeOver == null) return "";
  const info = cart?.count > 0 && cart.free_shipping;
  if (info) return info.remaining > 0 ? `${price(info.remaining)} away from free shipping` : "Your order ships free";
  return freeOver > 0 ? `Free shipping over ${price(freeOver)}` : "Free shipping";
}

/**
 * `amount` (integer minor units) as money for a badge, in `currency` and `locale`: whole
 * amounts without their zeros ("€60", "60 €"; not "€60.00"), a strip's room being short. No
 * formatter of its own: the first Intl formatters a page makes are costly.
 */
export const badgeMoney = (amount, currency, locale) => money(amount, currency, locale).replace(/[.,]00(?=\D*$)/, "");

const two = (n) => String(n).padStart(2, "0");

/**
 * The countdown's words for `ms` left, rounded down (never more time than there is): "2 h 14
 * min" from an hour on, "05 min 09 s" under it. Digits are padded so, in tabular figures, the
 * width only changes at the hour.
 */
export function timeLeft(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s >= 3600
    ? `${Math.floor(s / 3600)} h ${two(Math.floor(s / 60) % 60)} min`
    : `${two(Math.floor(s / 60))} min ${two(s % 60)} s`;
}

/** When the countdown's words next change, in ms from now (`ms` left): at the next minute, or second under an hour. */
export const nextTick = (ms) => (ms % (ms > HOUR_MS ? 60000 : 1000)) + 1;

/** The shopper's own date ("2026-12-07") at `ms`: plain Date, no time-zone formatter (the first costs a long task). */
export const ownDate = (ms) => {
  const day = new Date(ms);
  return `${day.getFullYear()}-${two(day.getMonth() + 1)}-${two(day.getDate())}`;
};

const reword = (arrives, words) => arrives.replace(/^Arrives/, words); // "Arrives Tue 8 …" → "Get it Tue 8 …"

/**
 * The delivery promise at `now` for the shopper's zone (`arrival`: its entry of
 * `delivery.arrivals`; its days' spans in the store's timezone come from the server): [before, msLeft, to, after] while a countdown
 * runs (the cut-off within 24 h: "Order within ", ms, " to ", "get it Tue 8 – Thu 10 Dec"),
 * else [words] ("Get it …": before the cut-off, the order's own arrival; after it, the
 * `later` one); null when there is nothing true to say. The dispatch day and the method are
 * in deliveryDetails.
 */
export function deliveryWords(delivery, arrival, now) {
  const promise = deliveryPromise(delivery, arrival, now);
  if (!promise) return null;
  const left = delivery.deadline - now;
  return left > 0 && left <= DAY_MS
    ? ["Order within ", left, " to ", reword(promise.arrives, "get it")]
    : [reword(promise.arrives, "Get it")];
}

/** The dispatch this order would have at `now` ({day: its words, arrives}), or null. */
function deliveryPromise(delivery, arrival, now) {
  if (!delivery?.dispatch || !arrival?.arrives) return null;
  const before = delivery.deadline > now;
  const [dispatch, arrives] = before ? [delivery.dispatch, arrival.arrives] : [delivery.later, arrival.later];
  // A config kept past its promise (the dispatch day over; the later one's cut-off gone by) says nothing.
  if (!dispatch?.date || !(now < dispatch.to) || !arrives || (!before && !(delivery.later.until > now))) return null;
  // The store's today or tomorrow (from the day's span), said only to a shopper whose own date agrees.
  const near =
    now >= dispatch.from
      ? ownDate(now) === dispatch.date && "today"
      : now >= dispatch.from - DAY_MS && ownDate(now + DAY_MS) === dispatch.date && "tomorrow";
  return { day: near ? `${near} (${dispatch.words})` : dispatch.words, arrives };
}

/**
 * The delivery badge's details at `now`: "Dispatched today (Mon 7 Dec) by Standard; orders
 * after 14:00 leave Tue 8 Dec and arrive Wed 9 – Fri 11 Dec." (the cut-off's local time as
 * the server words it); after the cut-off only the later dispatch. "" when nothing is true.
 */
export function deliveryDetails(delivery, arrival, now) {
  const promise = deliveryPromise(delivery, arrival, now);
  if (!promise) return "";
  const dispatched = `Dispatched ${promise.day} by ${arrival.method}`;
  if (delivery.deadline <= now) return `${dispatched}.`;
  return `${dispatched}; orders after ${delivery.cutoff} leave ${delivery.later.words} and ${reword(arrival.later, "arrive")}.`;
}

/** When the delivery words next change on their own (ms from now, within setTimeout's range), or 0 for never. */
export function deliveryChange(delivery, now) {
  const left = delivery.deadline - now;
  if (!(left > 0)) return Math.max(0, Math.min(delivery.later?.until - now + 1, 2e9)) || 0; // then nothing
  return left > DAY_MS ? Math.min(left - DAY_MS + 1, 2e9) : nextTick(left);
}

/** "30-day returns" (the guarantee, if any, is in the details). */
export const returnsWords = (returns) => `${returns.days}-day returns`;

/**
 * "Help Mon–Fri" for hours "Mon–Fri 9–17": the words before the first that starts with a
 * digit (the full hours are in the details); all of them when that leaves none ("24/7").
 */
export function supportWords(support) {
  const hours = support.hours.trim();
  const days = hours.split(/\s+(?=\d)/)[0];
  return `Help ${/^\d/.test(days) ? hours : days}`;
}

/** Social proof's words for a product's answer ({bought, hours, left}): only the true, non-null ones. */
export function proofWords(proof) {
  const words = [];
  const hours = proof?.hours > 1 ? `${proof.hours} hours` : "hour";
  if (proof?.bought > 0) words.push(`${proof.bought} people bought this in the last ${hours}`);
  if (proof?.left > 0) words.push(`Only ${proof.left} left`);
  return words;
}
