// What the drawer and the summary show of a cart, as pure functions of the server's answers:
// the server did the maths (it is the price authority); these decide the words and limits.

export const MAX_QUANTITY = 999;

/** "Stoneware Mug" or "Linen Apron (Size: Small)": what a line is called in labels. */
export const lineName = (item) => (item.variant ? `${item.name} (${item.variant})` : item.name);

/** A quantity typed into a line's box: a whole number from 0 to 999 (empty is 0), else null. */
export function typedQuantity(text) {
  const quantity = Number(text.trim());
  return Number.isInteger(quantity) && quantity >= 0 && quantity <= MAX_QUANTITY ? quantity : null;
}

/** The line can take no more: all that is left is in it, or it holds the most a line may. */
export const atMost = (item) =>
  (item.available != null && item.quantity >= item.available) || item.quantity >= MAX_QUANTITY;

/** A line asking for more than is left: the quantity that can be bought (0: none); else null. */
export const buyable = (item) =>
  item.available == null || item.quantity <= item.available ? null : Math.max(0, item.available);

/** The totals before any quote: shipping not known yet. */
export function cartTotals(cart) {
  const discount = cart.discount?.amount || 0;
  return { subtotal: cart.subtotal, discount, shipping: null, total: cart.subtotal - discount };
}

/** The drawer's discount row: [term, value]. A coupon waiting on an empty cart is "Saved". */
export const discountRow = (discount, hasLines, price) => [
  `${discount.code}${discount.label ? ` · ${discount.label}` : ""}`,
  discount.amount > 0 ? `−${price(discount.amount)}` : hasLines ? "Applied" : "Saved",
];

/**
 * The free-shipping line for a cart's `free_shipping` ({threshold, remaining, zone,
 * destination}): {text, max, value} for the meter, or null when there is none. Until the
 * shopper has said where they live it is the store's main zone's offer, told as the store's;
 * once they have, it is their country's (the server says which).
 */
export function freeShippingLine(info, price) {
  if (!(info && info.threshold > 0 && info.remaining >= 0)) return null;
  const to = info.destination || info.zone;
  const where = to ? ` to ${to}` : "";
  const left = info.remaining > 0;
  const text = info.destination
    ? left
      ? `Add ${price(info.remaining)} more for free shipping${where}`
      : `You've got free shipping${where}`
    : left
      ? `Free shipping${where} on orders over ${price(info.threshold)}: add ${price(info.remaining)} more`
      : `Your order qualifies for free shipping${where}`;
  return { text, max: info.threshold, value: Math.max(0, info.threshold - info.remaining) };
}
