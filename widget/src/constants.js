// Every name Keepcart shares with merchants' pages, the server and feature chunks.
// Changing a value here changes a public contract: merchants' snippets, stored data or the API.

// The one global the loader owns: `window.keepcart(command, ...args)`.
export const GLOBAL = "keepcart";
// Prefix of console messages.
export const LOG_PREFIX = "[keepcart]";

// The element that carries the shadow root for all Keepcart UI.
export const HOST_ID = "keepcart-root";

// Storage keys. Nothing is written under consent mode until consent is given.
export const VISITOR_KEY = "keepcart:vid"; // localStorage
export const SESSION_KEY = "keepcart:sid"; // sessionStorage
// Counted on every page of a store, so offers' targeting sees visits and the source a session
// came with even when the offers chunk first loads on a later page.
export const VISITS_KEY = "keepcart:visits"; // localStorage: sessions started on this device
export const SOURCE_KEY = "keepcart:utm"; // sessionStorage: utm_source of the session's first page
export const VISITOR_PREFIX = "v_";
// The shopper's cart token (localStorage). Kept even under consent mode: it is the cart.
export const CART_KEY = "keepcart:cart";
// A reminder's link (GET /r/{token} on the server) lands on the shop's page with
// #keepcart-cart=<a single-use claim> (server/recovery/links.py: CART_FRAGMENT), which the
// loader POSTs to PATH_RECOVERY_CLAIMS once for the rebuilt cart's token.
export const CART_FRAGMENT = /[#&]keepcart-cart=([\w.-]{8,500})/;
// Contact and address (never card data), only after the shopper ticks "Remember my details".
export const DETAILS_KEY = "keepcart:details"; // localStorage
export const SESSION_PREFIX = "s_";

// Attributes on the merchant's <script> tag.
export const ATTR_STORE = "data-store";
export const ATTR_CONSENT = "data-consent"; // "required" turns consent mode on
export const CONSENT_REQUIRED = "required";
// Attributes merchants put on their own markup (read by feature chunks).
export const ATTR_ADD = "data-keepcart-add"; // a product id: click adds it to the cart
export const ATTR_QTY = "data-keepcart-qty"; // quantity for an add button
export const ATTR_OPEN = "data-keepcart-open"; // click opens the cart ("checkout": the checkout)
export const ATTR_BADGES = "data-keepcart-badges"; // where trust badges render: a placement name
export const ATTR_SKU = "data-keepcart-sku"; // on a "product" badges mount: the product's social proof
export const ATTR_REVIEWS = "data-keepcart-reviews"; // a SKU: its reviews render here
export const ATTR_STARS = "data-keepcart-stars"; // a SKU: its star summary renders here

// Page URL parameter that turns debug output on, e.g. ?keepcart_debug=checkout,offers
export const DEBUG_PARAM = "keepcart_debug";

// Commands: keepcart('track', name, props), keepcart('consent', bool), ...
export const CMD_TRACK = "track";
export const CMD_CONSENT = "consent";
export const CMD_DEBUG = "debug";
export const CMD_ON = "on";
export const CMD_OFF = "off";
export const CMD_ADD = "add"; // keepcart('add', sku, qty = 1): adds to the cart, opens the drawer
export const CMD_OPEN = "open"; // keepcart('open') opens the cart; keepcart('open', 'checkout')

// Events of the merchant-facing emitter (keepcart('on', name, fn)). Each is also
// dispatched on `document` as a CustomEvent named DOM_EVENT_PREFIX + name.
export const DOM_EVENT_PREFIX = "keepcart:";
export const EV_READY = "ready"; // setup done; detail: {features}. Replayed to late listeners.
export const EV_CONSENT = "consent"; // detail: true or false
export const EV_CART_CHANGE = "cart:change"; // detail: {count, subtotal, currency}
export const EV_CHECKOUT_OPEN = "checkout:open"; // detail: {view: "cart" | "checkout"}
export const EV_CHECKOUT_CLOSE = "checkout:close"; // detail: {view: "cart" | "checkout"}
export const EV_ORDER_COMPLETE = "order:complete"; // detail: {id, number, total, currency}

// Browser events the loader listens to. (Never `unload`: it breaks the back/forward cache.)
export const DOM_CONTENT_LOADED = "DOMContentLoaded";
export const DOM_PAGEHIDE = "pagehide";
export const DOM_VISIBILITYCHANGE = "visibilitychange";

// CSS custom properties merchants may set on :root to theme Keepcart UI. They inherit
// into the shadow root (`all: initial` on the host does not reset custom properties).
export const CSS_ACCENT = "--keepcart-accent";
export const CSS_ACCENT_TEXT = "--keepcart-accent-text";
export const CSS_SURFACE = "--keepcart-surface";
export const CSS_TEXT = "--keepcart-text";
export const CSS_FONT = "--keepcart-font";
export const CSS_RADIUS = "--keepcart-radius";
export const CSS_ACCENT_DEFAULT = "#1f5f4a";
// The height (px) a trust badges strip takes, on one line at any width: merchants reserve it
// on their mounts ([data-keepcart-badges]{display:block;min-height:40px}), the checkout in the
// drawer and beside the pay button, so nothing moves when the badges arrive.
export const BADGES_HEIGHT = 40;
// The host's stacking level, just under the 32-bit maximum so modals can still beat it.
export const HOST_Z_INDEX = 2147483000;

// API paths, relative to the origin the loader was served from.
export const PATH_CONFIG = "/v1/stores/"; // + encodeURIComponent(key) + "/config"
export const PATH_EVENTS = "/v1/events";
export const PATH_CHUNKS = "/v1/chunks/"; // + "name.hash.js"
export const PATH_CHECKOUT_SETUP = "/checkout"; // PATH_CONFIG + key + this
export const PATH_CARTS = "/v1/carts"; // + "/" + token + "/items" ...
export const PATH_CHECKOUT = "/v1/checkout";
export const PATH_RECOVERY_CLAIMS = "/v1/recovery/claims"; // body {store, claim, cart} → {token}
// Reviews: PATH_CONFIG + key + "/reviews?sku=…" | "/ratings?skus=…"; votes PATH_REVIEWS + id.
export const PATH_REVIEWS = "/v1/reviews/"; // + review id + "/helpful"

// Event rules shared with server/events/service.py.
export const EVENT_TYPES = ["pageview", "custom", "checkout", "offer", "survey", "badge"];
export const TYPE_PAGEVIEW = "pageview";
export const TYPE_CUSTOM = "custom";
export const TYPE_CHECKOUT = "checkout";
// Checkout event names (type "checkout"): cart_add {sku, qty}, checkout_start, order_complete.
export const TRACK_CART_ADD = "cart_add";
export const TRACK_CHECKOUT_START = "checkout_start";
export const TRACK_ORDER_COMPLETE = "order_complete";
export const MAX_BATCH_EVENTS = 50;
export const MAX_BATCH_BYTES = 16384;
export const MAX_NAME = 100;
export const MAX_URL = 2000;
export const MAX_PROPS = 20;
export const MAX_PROP_KEY = 40;
export const MAX_PROP_STRING = 500;
export const FLUSH_MS = 1500;
export const CONFIG_TIMEOUT_MS = 10000;

// Features a store can switch on; each maps to a chunk of the same name when one is built.
export const FEATURES = ["checkout", "offers", "badges", "surveys"];
// Loaded on the shopper's first cart interaction (or when idle, when a cart already exists).
export const FEATURE_CHECKOUT = "checkout";

// Exit-intent offers (the offers chunk).
export const FEATURE_OFFERS = "offers";
// <script type="application/json" id="keepcart-offer-preview">{"variant": …}</script> on the
// admin's preview page: the offers chunk renders that variant at once, in preview mode.
export const OFFER_PREVIEW_ID = "keepcart-offer-preview";
export const PATH_OFFERS = "/v1/offers/"; // + campaign id + "/arm" | "/exposures" | "/claim"
// Debug flags changed (keepcart('debug', …)); detail: what was passed. "exit" fires offers.
export const EV_DEBUG = "debug";
export const DEBUG_EXIT = "exit";
// Offer events (type "offer" in the events pipe, and on the emitter):
// offer:trigger {campaign, signal, arm}, offer:shown {campaign, arm},
// offer:dismissed {campaign, arm, how: "esc" | "close" | "backdrop"}, offer:claimed {campaign, arm}.
export const TYPE_OFFER = "offer";
export const EV_OFFER_TRIGGER = "offer:trigger";
export const EV_OFFER_SHOWN = "offer:shown";
export const EV_OFFER_DISMISSED = "offer:dismissed";
export const EV_OFFER_CLAIMED = "offer:claimed";
// Interruption memory (the budget every Keepcart interruption shares, and each campaign's
// impressions and dismissals): localStorage, or sessionStorage without consent.
export const INTERRUPTIONS_KEY = "keepcart:interruptions";
// Without consent the offers API gets this prefix + the session id as the visitor.
export const SESSION_VISITOR_PREFIX = "s:";

// Trust badges (the badges chunk): config.trust, server/trust/facts.py. What a holdout keeps a
// visitor from (server/trust/model.py ELEMENTS): the badges, and social proof.
export const FEATURE_BADGES = "badges";
export const ELEMENT_BADGES = "badges";
export const ELEMENT_PROOF = "proof";
export const PATH_TRUST_EXPOSURES = "/v1/trust/exposures";
export const PATH_PROOF = "/proof"; // PATH_CONFIG + key + "/products/" + sku + this

// Quick feedback surveys (the surveys chunk): config.surveys, server/surveys/service.py.
export const FEATURE_SURVEYS = "surveys";
// + survey id + "/state?store=&visitor=" | "/responses" | "/responses/" + response id + "/answers"
export const PATH_SURVEYS = "/v1/surveys/";
// The checkout's confirmation holds <div data-kc-survey="(order status token)">, last: the
// surveys chunk fills it with the store's confirmation surveys, inline.
export const ATTR_SURVEY_SLOT = "data-kc-survey";
// ?keepcart_debug=survey (or survey:srv_…): the page's first survey (or that one) shows at
// once, and nothing is recorded.
export const DEBUG_SURVEY = "survey";
// Survey events (type "survey" in the events pipe, and on the emitter), never with answers:
// survey:trigger {survey, signal}, survey:shown {survey}, survey:answered {survey, question},
// survey:completed {survey}, survey:dismissed {survey, how: "esc" | "close" | "backdrop"},
// survey:remedy {survey, campaign, arm}.
export const TYPE_SURVEY = "survey";
export const EV_SURVEY_TRIGGER = "survey:trigger";
export const EV_SURVEY_SHOWN = "survey:shown";
export const EV_SURVEY_ANSWERED = "survey:answered";
export const EV_SURVEY_COMPLETED = "survey:completed";
export const EV_SURVEY_DISMISSED = "survey:dismissed";
export const EV_SURVEY_REMEDY = "survey:remedy";
