// Shopper-facing words shared by the cart and the checkout.
export const NETWORK = "We couldn't reach the shop. Check your connection and try again.";
export const NETWORK_PAY =
  "We couldn't reach the shop to confirm your order. Check your connection and try again: you won't be charged twice.";
export const BUSY_PAY = "The shop couldn't confirm your order yet. Try again in a moment: you won't be charged twice.";
export const STILL_PLACING = "Still placing your order…";

/** What to tell the shopper about a failed request: the server's words, or ours. */
export const problem = (error) => (error?.status && error.status < 500 ? error.message : NETWORK);
