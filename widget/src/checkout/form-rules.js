// The checkout form's decisions, as pure functions of what the shopper chose and what the
// server answered (the server checks everything again when the order is placed).
import { TEST_CARD } from "./payment.js";

/** The shipping method to show checked: the server's pick, else the one chosen while still offered, else the first. */
export function shippingChoice(answer, options, chosen) {
  return answer.shipping_method ?? (options.some((o) => o.id === chosen) ? chosen : (options[0]?.id ?? null));
}

/** The Pay button's words: the total for the card (or before a method is chosen), else "Place order". */
export const payWords = (method, total, price) =>
  method === TEST_CARD || !method ? (total != null ? `Pay ${price(total)}` : "Pay") : "Place order";

/** "Code X wasn't applied: why" when the last quote left the cart's code out, else "". */
export function codeLeftOut(cart, lastQuote) {
  const code = cart?.discount_code;
  const quoted = lastQuote?.cart;
  const refusal = lastQuote?.discount_error;
  return refusal && code && quoted?.discount_code === code && !quoted.discount
    ? `Code ${code} wasn't applied: ${refusal.message}`
    : "";
}

/** Why checkout refused the cart's code: once per customer and `email` used it, or the server's words. */
export const refusedCodeWords = (error, cart, email) =>
  error.code === "discount_used_up" && cart.discount?.once_per_customer
    ? `${cart.discount_code} can be used once per customer and ${email} has used it.`
    : `Code ${cart.discount_code} wasn't applied: ${error.message}`;

/** The line an out-of-stock error names (its field is "items.{sku}"), or null. */
export const outOfStockSku = (error) =>
  typeof error.field === "string" && error.field.startsWith("items.") ? error.field.slice(6) : null;

/** What to say when `count` fields need the shopper's attention. */
export const checkFields = (count) =>
  count === 1 ? "Check the highlighted field." : `Check the ${count} highlighted fields.`;
