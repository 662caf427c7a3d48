// The address rules that follow a country's format from the server's table (labels, which
// fields are required, region options, postal pattern and example), as pure functions.

const lower = (label) => label.toLowerCase();

/** A postal code as the server stores it: upper case, single spaces. */
export const normalizePostal = (value) => value.trim().toUpperCase().split(/\s+/).filter(Boolean).join(" ");

/** The region field for a country's `region` format: {label, required, options}, or null. */
export function regionRule(region) {
  if (!region) return null;
  const label = region.label || "Region";
  const choose = Array.isArray(region.options) && region.options.length > 0;
  return {
    label,
    required: region.required && (choose ? `Choose a ${lower(label)}.` : `Enter a ${lower(label)}.`),
    options: choose ? [["", `Select a ${lower(label)}`], ...region.options] : null,
  };
}

/** The postal code field for a country's `postal` format: {label, required, check}, or null. */
export function postalRule(postal) {
  if (!postal) return null;
  const label = postal.label || "Postal code";
  let pattern = null;
  try {
    pattern = new RegExp(postal.pattern);
  } catch {}
  const example = postal.example ? `, like ${postal.example}` : "";
  return {
    label,
    required: postal.required && `Enter a ${lower(label)}.`,
    check: (value) =>
      !pattern || pattern.test(normalizePostal(value)) ? "" : `Enter a valid ${lower(label)}${example}.`,
  };
}

/** The country to show for `code`: it when the store ships there, else the default, else the first. */
export const shippingCountry = (code, countries, setup) =>
  countries.has(code) ? code : countries.has(setup.default_country) ? setup.default_country : setup.countries[0]?.code;
