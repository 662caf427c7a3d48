// The trust badges chunk: each badge states a fact Keepcart knows (config.trust, from
// server/trust/facts.py, which leaves a kind out while its fact does not hold) and nothing
// else. The loader imports it when idle where the page has a [data-keepcart-badges] mount
// (and on the admin's preview page); the checkout chunk loads it for its own two places and
// calls render("drawer" | "checkout", element, country). It is built alone (as every chunk
// is: build.mjs): a page with badges fetches this one file.
//
// mount(api) fills every [data-keepcart-badges="<placement>"] element on the page with that
// placement's badges (config.trust.placements; an unknown placement gets nothing) in a shadow
// root of its own, a one-line strip that fits the height the page reserves for it, one strip
// per task (the page gets the main thread back between two). A product mount with
// data-keepcart-sku also says what social proof may (GET …/products/{sku}/proof), before its
// strip is drawn, so nothing is inserted later. Money comes worded by the server (the first
// Intl formatter a page makes costs a slow phone 10–16 ms); only a cart's is formatted here,
// the checkout having made the page's first formatter for that cart already.
//
// The holdout: a share of visitors (config.trust.holdout; social proof's own share) sees none
// of it, decided here with the server's hash (../badges/holdout.js), and mounts stay empty at
// their reserved size. Once per page view where a badge would show, shown or held out, the
// exposure is recorded (POST /v1/trust/exposures; the server computes the arm itself), with
// the config's `since` for the element (the server ignores an exposure decided by a share it
// has since changed), but never on the admin's preview page, and not without a visitor id
// (consent not given).

import { h, reportTo, safe } from "../badges/dom.js";
import { heldOut } from "../badges/holdout.js";
import { STYLES } from "../badges/styles.js";
import { payments, strip } from "../badges/view.js";
import {
  cartMoney,
  DAY_MS,
  deliveryChange,
  deliveryDetails,
  deliveryWords,
  freeShippingWords,
  shopperZone,
  timeLeft,
  zoneOf,
} from "../badges/words.js";
import {
  ATTR_BADGES,
  ATTR_SKU,
  CART_KEY,
  ELEMENT_BADGES,
  ELEMENT_PROOF,
  EV_CART_CHANGE,
  FEATURE_CHECKOUT,
  OFFER_PREVIEW_ID,
  PATH_CONFIG,
  PATH_PROOF,
  PATH_TRUST_EXPOSURES,
} from "../constants.js";
import { offerVisitor } from "../visitor.js";

let api; // the loader's (see widget/README.md)
let trust = {};
let preview = false; // the admin's preview: every badge, nothing recorded, no holdout
let zone = -1; // the shopper's likely shipping zone, an index into trust.zones
let cart = null; // {count, currency, free_shipping}, once known
const cartWords = new Set(); // update() of each free-shipping badge shown
const exposed = new Set();
let sheet;

const price = (amount) => cartMoney(amount, cart.currency, api.config.store?.locale); // only with a cart
const p = (...content) => h("p", {}, ...content);

/** One console warning for what went wrong (a request, a listener), never an error on the page. */
const report = (error) => api.warn("badges", "the trust badges hit a problem", error);

/**
 * The Keepcart API's JSON answer at `path`, or to `body` posted there (a string body goes as
 * text/plain: a simple request, no preflight); no cookies, even on the admin's preview page
 * (Keepcart's own origin).
 */
async function ask(path, body) {
  const post = body && { method: "POST", body: JSON.stringify(body) };
  const response = await fetch(api.origin + path, { ...post, credentials: "omit" });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
}

/** Record that this visitor reached `element` (once per page view), shown or held out, under the share of `since`. */
function expose(element, since) {
  if (preview || exposed.has(element) || !api.ids().visitor_id) return;
  exposed.add(element);
  const body = { store: api.store, element, visitor: offerVisitor(api), since };
  // Sent in a task of its own: a fetch() costs the page a few ms, the strip's build enough.
  setTimeout(() => ask(PATH_TRUST_EXPOSURES, body).catch(report));
}

const shown = (element, percent) => preview || !heldOut(element, offerVisitor(api), percent);
const words = (text) => h("span", {}, text);

// "Free shipping over €60", or with a cart "€12.50 away from free shipping" / "Your order
// ships free", for the shipping zone `shipTo`; none where nothing ships free there.
function freeShipping(shipTo) {
  const shipping = trust.zones?.[shipTo];
  if (shipping?.free_over == null) return null;
  const text = words();
  const update = () => {
    text.textContent = freeShippingWords(shipping, cart, price);
  };
  update();
  cartWords.add(update);
  const title = "Free shipping";
  return { kind: "free_shipping", text, title, details: () => p(text.textContent) };
}

// "Order within 2 h 14 min to get it Tue 8 – Thu 10 Dec", ticking each minute (each second
// in the last hour), until the strip leaves the page; the dispatch day and the method in its
// details. Nothing moves as it ticks: the clock keeps one width from the start (its format
// changes at 1 h, and a text shift there counts as a layout shift), and so does the badge.
function delivery(shipTo) {
  const promise = trust.delivery;
  const arrival = promise?.arrivals?.[shipTo];
  const at = (now) => deliveryWords(promise, arrival, now);
  const start = Date.now();
  if (!at(start)) return null;
  const countdown = Math.max(start, promise.deadline - DAY_MS + 1); // its first minute, or now
  // In a narrow strip only "Get it Tue 8 – Thu 10 Dec" (.kb-w) shows: the countdown is in the details.
  const clocked = (said, clock) =>
    said.length > 1
      ? [h("span", { class: "kb-o" }, said[0], clock, said[2]), h("span", { class: "kb-w" }, said[3])]
      : said;
  // The clock's room is its widest value still to come, in either format (tabular figures:
  // as wide as its zeros): hidden copies in its grid cell, the value at its start (where it
  // stays: a value that moves, centred, is a layout shift).
  const widest = [countdown, promise.deadline - 1]
    .map((now) => at(now)?.[1])
    .filter(Boolean)
    .map((left) => timeLeft(left).replace(/\d/g, "0"));
  const hidden = (content) => h("span", { "aria-hidden": "true" }, content);
  const clock = (value) => h("span", { class: "kb-c kb-g" }, value, widest.map(hidden));
  const live = words();
  // Hidden copies of each phase's words (now's, the countdown's, after the cut-off) make the
  // badge as wide as the widest from the start.
  const ghosts = [start, countdown, promise.deadline]
    .map(at)
    .filter(Boolean)
    .map((said) => hidden(clocked(said, clock())));
  let ticking;
  let phase = 0;
  const tick = () => {
    const now = Date.now();
    const said = at(now);
    if (!said || (phase && !live.isConnected)) return;
    if (phase !== said.length) {
      phase = said.length;
      ticking = h("span");
      live.replaceChildren(...clocked(said, clock(ticking)));
    }
    if (said.length > 1) ticking.textContent = timeLeft(said[1]);
    const next = deliveryChange(promise, now);
    if (next) setTimeout(safe(tick), next);
  };
  tick();
  const details = () => p(deliveryDetails(promise, arrival, Date.now()));
  return { kind: "delivery", text: h("span", { class: "kb-g" }, live, ghosts), title: "Delivery", details };
}

/** The badge of `kind` for this shopper (shipping to zone `shipTo`) now, or null while its fact does not hold here. */
function badge(kind, shipTo) {
  if (kind === "secure") {
    // Only while both this page and Keepcart itself are served over HTTPS.
    const https = trust.secure && location.protocol === "https:" && /^https:/.test(api.origin);
    const title = "Secure checkout";
    return https && { kind, text: words(title), title, details: () => p(trust.secure) };
  }
  if (kind === "payments") {
    const methods = trust.payments || [];
    return methods.length > 0 && payments(methods);
  }
  if (kind === "free_shipping") return freeShipping(shipTo);
  if (kind === "delivery") return delivery(shipTo);
  if (kind === "returns" && trust.returns) {
    const title = trust.returns.words;
    const guarantee = trust.returns.money_back && p("Money-back guarantee.");
    return { kind, text: words(title), title, details: () => [guarantee, p(trust.returns.policy)] };
  }
  if (kind === "support" && trust.support) {
    const { email, phone } = trust.support;
    const link = (scheme, value, label) => value && p(h("a", { href: scheme + value }, label || value));
    return {
      kind,
      text: words(trust.support.words),
      title: "Customer support",
      details: () => [
        p(trust.support.hours),
        link("mailto:", email),
        link("tel:", phone?.replace(/[^\d+]/g, ""), phone),
      ],
    };
  }
  return null;
}

/** Social proof for `sku`: its badges, or none (nothing true to say, or not asked). */
async function proof(sku) {
  if (!sku || !trust.proof) return [];
  let answer = null;
  try {
    answer = await ask(
      `${PATH_CONFIG}${encodeURIComponent(api.store)}/products/${encodeURIComponent(sku)}${PATH_PROOF}`,
    );
  } catch (error) {
    report(error);
  }
  // The server's words, only for what it found true: [{kind: "bought" | "left", words}].
  const said = answer?.said || [];
  if (said.length) expose(ELEMENT_PROOF, trust.proof.since);
  if (!shown(ELEMENT_PROOF, trust.proof.holdout)) return [];
  return said.map((each) => ({ kind: each.kind, text: words(each.words) }));
}

/** The strip for `placement` (with `sku`'s social proof; shipping to zone `shipTo`), or null when nothing shows. */
async function build(placement, sku, shipTo = zone) {
  const kinds = trust.placements?.[placement];
  if (!Array.isArray(kinds)) return null; // an unknown placement
  const first = await proof(sku);
  // Built now, with the proof in: the strip goes into the page at once (the clock starts).
  // In the placement's order, the server's: what decides a purchase first, payments last.
  const badges = kinds.map((kind) => badge(kind, shipTo)).filter(Boolean);
  if (badges.length) expose(ELEMENT_BADGES, trust.since);
  const all = [...first, ...(shown(ELEMENT_BADGES, trust.holdout) ? badges : [])];
  return all.length ? strip(all) : null;
}

function adoptInto(root) {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLES);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
}

/**
 * Fill the checkout's `element` (in its shadow root, its height reserved) with `placement`'s
 * badges, for the shopper's likely zone or the zone of `country` (the shipping country chosen
 * in checkout; called again when it changes, the strip is drawn anew).
 */
export const render = safe(async (placement, element, country) => {
  const list = await build(placement, null, country ? zoneOf(trust, country) : zone);
  if (!element.isConnected) return;
  adoptInto(element.getRootNode());
  element.replaceChildren(...(list ? [list] : []));
});

/** A merchant's mount: its own shadow root, only when something shows in it. */
const fill = safe(async (el) => {
  if (el.shadowRoot) return;
  const list = await build(el.getAttribute(ATTR_BADGES), el.getAttribute(ATTR_SKU));
  if (!list || el.shadowRoot) return;
  const root = el.attachShadow({ mode: "open" });
  adoptInto(root);
  root.append(list);
});

/** The cart as `cart:change` says it ({count, currency, free_shipping, …}): the words follow. */
function setCart(detail) {
  cart = detail;
  for (const update of cartWords) update();
}

// The cart, for "€12.50 away from free shipping": its changes, and a returning shopper's
// cart as the checkout chunk (loaded in the background for them anyway) has it.
function followCart() {
  api.on(EV_CART_CHANGE, setCart);
  if (!api.config.features?.checkout || !api.storage.get("localStorage", CART_KEY)) return;
  api
    .loadChunk(FEATURE_CHECKOUT)
    .then((checkout) => checkout?.currentCart?.())
    .then((current) => current && !cart && setCart({ ...current, count: current.item_count }))
    .catch(() => {});
}

// The page's mounts, one strip per task: each is built in one go (its words, its clock), and the
// page gets the main thread back (input, rendering) before the next, so no mount makes a long task.
const fillAll = safe(async () => {
  for (const el of document.querySelectorAll(`[${ATTR_BADGES}]`)) {
    fill(el);
    await new Promise((resolve) => setTimeout(resolve));
  }
});

export function mount(loaderApi) {
  api = loaderApi;
  reportTo(report);
  trust = api.config.trust || {};
  preview = Boolean(document.getElementById(OFFER_PREVIEW_ID));
  zone = shopperZone(trust, navigator.language);
  followCart();
  fillAll();
}
