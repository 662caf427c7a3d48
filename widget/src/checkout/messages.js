// Shopper-facing words shared by the cart and the checkout.
export const NETWORK = "We couldn't reach the shop. Check your connection and try again.";
export const NETWORK_PAY = "We couldn't reach the shop. Your card was not charged twice — try again.";

/** What to tell the shopper about a failed request: the server's words, or ours. */
export const problem = (error) => (error?.status && error.status < 500 ? error.message : NETWORK);
