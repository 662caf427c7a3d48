// Who may see a campaign, and how often: pure functions of the campaign's settings and what
// the widget knows about the page, the cart and the visitor (the clock is passed in).

const DAY_MS = 24 * 60 * 60 * 1000;

/** Does `pattern` (a regex source from the config, or null) match `url`? `empty` when null. */
export function urlMatches(pattern, url, empty) {
  if (!pattern) return empty;
  try {
    return new RegExp(pattern).test(url);
  } catch {
    return false;
  }
}

/** The campaign's include/exclude page patterns allow `url`. */
export const pageAllows = (pages, url) =>
  urlMatches(pages?.include, url, true) && !urlMatches(pages?.exclude, url, false);

/**
 * Targeting: `visitor` is {cart: {count, subtotal}, device: "desktop" | "phone", visits,
 * utm}. Missing settings allow everyone.
 */
export function targetingAllows(targeting = {}, visitor) {
  const { count = 0, subtotal = 0 } = visitor.cart || {};
  const t = targeting;
  const sources = (t.utm_sources || []).map((source) => String(source).toLowerCase());
  return !(
    (t.cart === "empty" && count > 0) ||
    (t.cart === "not_empty" && !count) ||
    (t.subtotal_min != null && subtotal < t.subtotal_min) ||
    (t.subtotal_max != null && subtotal > t.subtotal_max) ||
    (Array.isArray(t.devices) && !t.devices.includes(visitor.device)) ||
    (t.visitor === "new" && visitor.visits > 1) ||
    (t.visitor === "returning" && visitor.visits < 2) ||
    (t.min_visits != null && visitor.visits < t.min_visits) ||
    (t.max_visits != null && visitor.visits > t.max_visits) ||
    (sources.length > 0 && !sources.includes(visitor.utm.toLowerCase()))
  );
}

/**
 * Frequency, for one campaign's memory `item` ({n, at, session, dismissed, converted}):
 * at most max_impressions; "once_per_session": not again in the same session;
 * "every_n_days": not again (nor after a dismissal) within `days`; "until_converted": until
 * the visitor bought after seeing it. A dismissal is remembered: a dismissed campaign is not
 * shown again, except by "every_n_days" once its days have passed.
 */
export function frequencyAllows(frequency = {}, item, session, now) {
  const { mode = "once_per_session", days = 7, max_impressions: max } = frequency;
  if (max != null && item.n >= max) return false;
  if (mode === "every_n_days") return now - Math.max(item.at, item.dismissed) >= days * DAY_MS;
  if (item.dismissed) return false;
  if (mode === "until_converted") return !item.converted;
  return item.session !== session;
}
