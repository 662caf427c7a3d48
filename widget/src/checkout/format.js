// Money and dates for shoppers, formatted only with Intl in the store's locale.
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** "Arrives Tue 1 Dec – Thu 3 Dec" for {from, to} ISO dates; "" when there is none. */
export function arrives(delivery, locale) {
  if (!ISO_DATE.test(delivery?.from) || !ISO_DATE.test(delivery?.to)) return "";
  let format;
  const options = { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };
  try {
    format = new Intl.DateTimeFormat(locale, options);
  } catch {
    format = new Intl.DateTimeFormat(undefined, options);
  }
  const [from, to] = [delivery.from, delivery.to].map((day) => format.format(new Date(`${day}T00:00:00Z`)));
  return `Arrives ${from === to ? from : `${from} – ${to}`}`;
}

export const itemCount = (count) => `${count} ${count === 1 ? "item" : "items"}`;
