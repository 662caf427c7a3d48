// Money for shoppers, formatted with Intl in the store's locale; delivery dates come worded by the server.
const moneyFormats = new Map();

function moneyFormat(currency, locale) {
  const key = `${locale}|${currency}`;
  if (!moneyFormats.has(key)) {
    let format;
    try {
      format = new Intl.NumberFormat(locale, { style: "currency", currency });
    } catch {
      format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    }
    moneyFormats.set(key, format);
  }
  return moneyFormats.get(key);
}

/** An amount in integer minor units as money, e.g. (6975, "EUR", "en-IE") → "€69.75". */
export function money(amount, currency, locale) {
  const format = moneyFormat(currency, locale);
  // Currencies have 0 (JPY), 2 (EUR) or 3 (KWD) minor digits: Intl knows which.
  return format.format(amount / 10 ** format.resolvedOptions().maximumFractionDigits);
}

/**
 * The server's words for a delivery estimate, e.g. "Arrives Tue 9 – Thu 11 Dec" (one rule and
 * one wording, server/pricing/delivery.py, for checkout, the confirmation and the admin); ""
 * when there is none.
 */
export const arrives = (delivery) => (typeof delivery?.text === "string" ? delivery.text : "");

export const itemCount = (count) => `${count} ${count === 1 ? "item" : "items"}`;
