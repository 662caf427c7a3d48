// The reviews chunk's pure parts: words for ratings (every star has text), the steps the
// stars and bars are drawn in (classes, never style attributes), dates in the store's locale,
// and checks of what the API answered before any of it is shown.

export const MAX_SKUS = 50; // per ratings request (server/reviews/service.py MAX_RATING_SKUS)

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

export const reviewCount = (count) => plural(count, "review", "reviews");

/**
 * The average as the page shows it: the server writes it in the store's locale ("4,3" in
 * de-DE), so the page makes no Intl number format (its first costs ~20 ms of a slow phone's
 * main thread); "4.3" from the tenths if it did not.
 */
export const averageText = (tenths, text) =>
  typeof text === "string" && text.length < 9 ? text : (tenths / 10).toFixed(1);

/** "Rated 4.3 out of 5, 12 reviews", or "No reviews yet": what the stars say in words. */
export const ratingWords = (average, count) =>
  count ? `Rated ${average} out of 5, ${reviewCount(count)}` : "No reviews yet";

/** One review's rating in words: "Rated 4 out of 5". */
export const starsWords = (rating) => `Rated ${rating} out of 5`;

/** Stars are drawn filled to the nearest half star: a step from 0 to 10. */
export const starStep = (tenths) => Math.min(10, Math.max(0, Math.round(tenths / 5)));

/** A distribution bar's fill, in steps of 5%: 0 to 20. */
export const barStep = (count, total) => (total > 0 ? Math.min(20, Math.round((count / total) * 20)) : 0);

/** "5 stars: 8 reviews": one distribution row in words. */
export const rowWords = (stars, count) => `${plural(stars, "star", "stars")}: ${reviewCount(count)}`;

// Made once per locale (and only when the list opens: a click), as making one is costly.
const dates = new Map();

/** A review's date (an ISO date in the store's timezone) in the store's locale. */
export function reviewDate(iso, locale) {
  const day = new Date(`${iso}T00:00:00Z`);
  if (!/^\d{4}-\d\d-\d\d$/.test(iso) || Number.isNaN(day.getTime())) return "";
  if (!dates.has(locale)) {
    let format = null;
    try {
      format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
    } catch {}
    dates.set(locale, format);
  }
  return dates.get(locale)?.format(day) || iso;
}

const isCount = (value) => Number.isInteger(value) && value >= 0;
const isText = (value) => typeof value === "string";

/** A summary the API answered, checked: {count, average_tenths, distribution}, or null. */
export function checkSummary(summary) {
  if (!isCount(summary?.count) || !isCount(summary.average_tenths)) return null;
  const rows = [5, 4, 3, 2, 1].map((stars) => summary.distribution?.[stars]);
  const text = averageText(summary.average_tenths, summary.average);
  return rows.every(isCount) ? { ...summary, rows, text } : null;
}

/** The reviews of an answer that can be shown (anything malformed is left out). */
export const checkReviews = (list) =>
  (Array.isArray(list) ? list : []).filter(
    (review) =>
      isText(review?.id) &&
      Number.isInteger(review.rating) &&
      review.rating >= 1 &&
      review.rating <= 5 &&
      [review.title, review.body, review.name, review.date].every(isText) &&
      isCount(review.helpful) &&
      (review.reply === null || (isText(review.reply?.body) && isText(review.reply?.date))),
  );

/** The distinct SKUs of the page's star mounts, in requests of at most MAX_SKUS. */
export function skuBatches(skus, max = MAX_SKUS) {
  const distinct = [...new Set(skus.map((sku) => String(sku).trim()).filter((sku) => sku && !sku.includes(",")))];
  const batches = [];
  for (let start = 0; start < distinct.length; start += max) batches.push(distinct.slice(start, start + max));
  return batches;
}
