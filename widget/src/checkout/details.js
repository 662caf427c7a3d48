// "Remember my details on this device": contact and address (never card data) in
// localStorage, only when the shopper opts in. What is read back is checked field by field.
import { DETAILS_KEY } from "../constants.js";

const VERSION = 1;
const ADDRESS_KEYS = ["name", "line1", "line2", "city", "region", "postal_code", "country"];
const MAX = 254;

const text = (value) => (typeof value === "string" && value.length <= MAX ? value : "");

/** The remembered details ({email, phone, address}), or null. */
export function readDetails() {
  try {
    const data = JSON.parse(localStorage.getItem(DETAILS_KEY));
    if (data?.v !== VERSION || typeof data.address !== "object" || !data.address) return null;
    const address = {};
    for (const key of ADDRESS_KEYS) address[key] = text(data.address[key]);
    return { email: text(data.email), phone: text(data.phone), address };
  } catch {
    return null;
  }
}

/** Remember `details` (remember true) or forget any remembered ones. */
export function rememberDetails(remember, { email, phone, address }) {
  try {
    if (!remember) return localStorage.removeItem(DETAILS_KEY);
    const kept = {};
    for (const key of ADDRESS_KEYS) kept[key] = text(address[key]);
    localStorage.setItem(
      DETAILS_KEY,
      JSON.stringify({ v: VERSION, email: text(email), phone: text(phone), address: kept }),
    );
  } catch {}
}
