// What each trust badge says: pure functions of config.trust (server/trust/facts.py), the
// shopper's cart and the clock, so Node tests them (test/badges.test.mjs). The server leaves
// a kind out of config.trust while its fact does not hold; these only word what is there.

export const DAY_MS = 86400000;
const HOUR_MS = 3600000;

/**
 * The index in `trust.zones` of the zone that ships to `country` (an ISO code), else the
 * rest-of-the-world zone ("*"); -1 when none (a country the store does not ship to hears no
 * promise).
 */
export function zoneOf(trust, country) {
  const zones = trust?.zones || [];
  for (const each of [country, "*"]) {
    const index = each ? zones.findIndex((zone) => zone?.countries?.includes?.(each)) : -1;
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * The shopper's likely shipping zone (an index in `trust.zones`, or -1): the zone of the region
 * of `language` ("en-IE" → IE); without a region, of the store's home country (`trust.home`).
 */
export function shopperZone(trust, language) {
  // A (canonical) tag's region: two capital letters or three digits ("en-IE", "zh-Hans-FR",
  // "es-419"). No Intl.Locale: the badges make no Intl object before the shopper has a cart.
  const region = /-([A-Z]{2}|\d{3})(-|$)/.exec(language)?.[1];
  return zoneOf(trust, region || trust?.home);
}

/**
 * The free-shipping words for the shopper's `zone` (its `free_over`: 0 always free, null never,
 * then ""; and `free_over_words`, the server's "€60") and `cart` ({count, free_shipping}: the
 * server's word, after discounts, never recomputed here); `price(amount)` formats a cart's money.
 */
export function freeShippingWords(zone, cart, price) {
  if (zone?.free_over == null) return "";
  const info = cart?.count > 0 && cart.free_shipping;
  if (info) return info.remaining > 0 ? `${price(info.remaining)} away from free shipping` : "Your order ships free";
  return zone.free_over > 0 ? `Free shipping over ${zone.free_over_words}` : "Free shipping";
}

/**
 * A cart's `amount` (integer minor units) as money for a badge, in `currency` and `locale`:
 * whole amounts without their zeros ("€36", "36 €"; not "€36.00"), a strip's room being short.
 * Only ever with a cart, whose checkout has made the page's first money formatter already (the
 * first costs a slow phone 10–16 ms of a task): the config's amounts come worded by the server.
 */
export function cartMoney(amount, currency, locale) {
  // The store's locale and currency: a well-formed tag and a known code (the server checks both).
  const format = new Intl.NumberFormat(locale, { style: "currency", currency });
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits).replace(/[.,]00(?=\D*$)/, "");
}

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
