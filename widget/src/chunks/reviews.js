// The reviews feature chunk. The loader imports it when the page is idle, only where the page
// has a mount (config.chunks' `mounts`): <div data-keepcart-reviews="SKU"> (the product's
// summary, "How reviews work here" and, on a click, its reviews) and <span
// data-keepcart-stars="SKU"> (stars and count on product cards, one ratings request for all
// of the page's). Each mount gets a shadow root of its own, styled by one adopted stylesheet,
// and is filled only once its data is in: until then, and if the request fails, it stays the
// empty box the merchant reserved (../reviews/styles.js says which sizes). Nothing here throws
// into the page.
import { api, safe, setApi } from "../checkout/env.js";
import { ATTR_REVIEWS, ATTR_STARS, PATH_CONFIG, PATH_REVIEWS } from "../constants.js";
import { STYLES } from "../reviews/styles.js";
import { reviewsView, starsView } from "../reviews/view.js";
import { checkSummary, skuBatches } from "../reviews/words.js";
import { offerVisitor } from "../visitor.js";

const TEXT = { "Content-Type": "text/plain;charset=UTF-8" }; // a simple request: no preflight
let sheet;

const storePath = (what) => `${PATH_CONFIG}${encodeURIComponent(api.store)}/${what}`;
const locale = () => api.config.store?.locale || undefined;

/** The mount's own shadow root with the stylesheet; null when it cannot have one. */
function shadowOf(element) {
  if (element.shadowRoot) return null; // filled already (or someone else's)
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
  }
  const root = element.attachShadow({ mode: "open" });
  root.adoptedStyleSheets = [sheet];
  return root;
}

// The button stays focusable while its vote is on the way and once it counted (a disabled
// button would drop a keyboard user's focus to the page): aria-disabled, and clicks ignored.
async function vote(id, button, status) {
  if (button.getAttribute("aria-disabled")) return;
  button.setAttribute("aria-disabled", "true");
  try {
    const answer = await api.request(`${PATH_REVIEWS}${encodeURIComponent(id)}/helpful`, {
      method: "POST",
      body: JSON.stringify({ store: api.store, visitor: offerVisitor(api) }),
      headers: TEXT,
    });
    button.textContent = `Helpful (${Number(answer?.helpful) || 0})`;
    button.setAttribute("aria-pressed", "true");
    status.textContent = answer?.counted
      ? "Thank you: marked as helpful."
      : "Already marked from this device or network.";
  } catch (error) {
    // Past the daily cap a retry cannot count before tomorrow: say so, and keep it disabled.
    // The per-minute limiter's 429 (rate_limited) frees in a minute: "try again" below.
    if (error?.code === "daily_vote_limit") {
      status.textContent = "This connection has reached today's limit of helpful votes.";
      return;
    }
    button.removeAttribute("aria-disabled");
    status.textContent = "Your vote could not be sent. Try again.";
  }
}

const mountReviews = safe(async (element) => {
  const sku = element.getAttribute(ATTR_REVIEWS)?.trim();
  if (!sku) return;
  const load = (sort, page) =>
    api.request(storePath(`reviews?sku=${encodeURIComponent(sku)}&sort=${sort}&page=${page}`));
  const first = await load("newest", 1);
  const data = checkSummary(first?.summary);
  if (!data || element.shadowRoot) return;
  let root;
  const io = {
    load,
    locale: locale(),
    shop: api.config.store?.name || "the shop",
    vote: (id, button) => vote(id, button, root.querySelector("[role=status]")),
  };
  const view = reviewsView(first, data, io);
  // Built in one task, attached (its shadow root and stylesheet) in the next: together they
  // came near a long task at 4× CPU.
  await new Promise((resolve) => setTimeout(resolve));
  root = shadowOf(element);
  root?.append(view);
});

const mountStars = safe(async (elements) => {
  const skus = elements.map((element) => element.getAttribute(ATTR_STARS));
  for (const batch of skuBatches(skus)) {
    const found = await api.request(storePath(`ratings?skus=${encodeURIComponent(batch.join(","))}`));
    for (const element of elements) {
      const rating = found?.[element.getAttribute(ATTR_STARS)?.trim()];
      if (!(rating?.count > 0) || !Number.isInteger(rating.average_tenths)) continue;
      shadowOf(element)?.append(starsView(rating));
    }
  }
});

export function mount(loaderApi) {
  setApi(loaderApi);
  for (const element of document.querySelectorAll(`[${ATTR_REVIEWS}]`)) mountReviews(element);
  const cards = [...document.querySelectorAll(`[${ATTR_STARS}]`)];
  if (cards.length) mountStars(cards);
}
