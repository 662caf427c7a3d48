// Entry point of keepcart.js, the script merchants paste into their storefront:
//   <script async src="{origin}/v1/keepcart.js" data-store="pk_…"></script>
// It replaces the queue stub with the real window.keepcart, replays queued calls, loads
// the store's config, records a pageview, and loads the feature chunks the store has on.
// It never throws into the page: failures warn once on the console and Keepcart stays off.
/* global __KEEPCART_VERSION__ */
import { bindCart, listenForCartClicks } from "./cart-triggers.js";
import { hasChunk, loadChunk } from "./chunks.js";
import { register, run, settle } from "./commands.js";
import {
  ATTR_CONSENT,
  ATTR_STORE,
  CMD_CONSENT,
  CMD_DEBUG,
  CMD_OFF,
  CMD_ON,
  CMD_TRACK,
  CONFIG_TIMEOUT_MS,
  CONSENT_REQUIRED,
  DEBUG_PARAM,
  DOM_CONTENT_LOADED,
  DOM_PAGEHIDE,
  DOM_VISIBILITYCHANGE,
  EV_CONSENT,
  EV_DEBUG,
  EV_READY,
  FEATURE_CHECKOUT,
  FEATURE_OFFERS,
  GLOBAL,
  LOG_PREFIX,
  OFFER_PREVIEW_ID,
  PATH_CONFIG,
  PATH_EVENTS,
  TYPE_CUSTOM,
  TYPE_PAGEVIEW,
} from "./constants.js";
import { emit, off, on } from "./emitter.js";
import { flush, initEvents, record, startEvents, stopEvents } from "./events.js";
import { adopt, getRoot } from "./host.js";
import { hasConsent, ids, setConsent } from "./identity.js";
import { warn } from "./log.js";
import { createRequest } from "./request.js";

const VERSION = __KEEPCART_VERSION__;

// Debug flags: keepcart('debug', 'checkout,offers'), ('debug', true) for all, ('debug',
// false) to clear; ?keepcart_debug=… in the page URL sets them too.
const debugFlags = new Set();
function setDebug(what = true) {
  if (what === false) debugFlags.clear();
  else {
    for (let flag of String(what).split(",")) {
      flag = flag.trim();
      debugFlags.add(/^(true|1|)$/.test(flag) ? "all" : flag);
    }
  }
}
/** debug() → is any debugging on; debug(flag) → is that flag (or "all") on. */
const debug = (flag) => debugFlags.has("all") || (flag == null ? debugFlags.size > 0 : debugFlags.has(flag));

const track = (name, props, type = TYPE_CUSTOM) => record(type, name, props);

// Does a campaign's page pattern (a regex source, or null → `empty`) match this page?
const matches = (source, empty) => {
  try {
    return source ? new RegExp(source).test(location.href) : empty;
  } catch {}
};

// The page is parsed (chunks look for their mounts and markers in it).
const bodyReady = () =>
  new Promise((resolve) => {
    if (document.readyState !== "loading") resolve();
    else document.addEventListener(DOM_CONTENT_LOADED, resolve, { once: true });
  });

function findScript() {
  const current = document.currentScript;
  return current?.hasAttribute(ATTR_STORE)
    ? current
    : document.querySelector(`script[${ATTR_STORE}][src*="keepcart.js"]`);
}

async function setup(store, origin) {
  let response;
  let config;
  try {
    response = await fetch(`${origin}${PATH_CONFIG}${encodeURIComponent(store)}/config`, {
      credentials: "omit",
      mode: "cors",
      signal: AbortSignal.timeout?.(CONFIG_TIMEOUT_MS),
    });
    config = response.ok && (await response.json());
    if (!config?.features) throw response.status;
  } catch (error) {
    // Unknown store (404), server down, bad answer: Keepcart stays off on this page.
    bindCart(null, false);
    stopEvents();
    settle(false);
    warn("config", `no config for store ${store}; Keepcart stays off`, error);
    return;
  }
  // The admin's preview of an offer (its JSON stands before this script) is not a shopper's
  // page: it records nothing.
  const preview = document.getElementById(OFFER_PREVIEW_ID);
  preview ? stopEvents() : startEvents(config.events?.max_batch);
  // What every feature chunk's mount(api) receives (see widget/README.md).
  const api = Object.freeze({
    version: VERSION,
    store,
    origin,
    config,
    get root() {
      return getRoot();
    },
    adopt: (css) => adopt(getRoot(), css),
    track,
    emit,
    on,
    off,
    command: register,
    loadChunk: (name) => loadChunk(origin, name, api),
    request: createRequest(origin),
    debug,
    warn,
    consented: hasConsent,
    ids,
  });
  const { features } = config;
  const live = (name) => features[name] === true && hasChunk(name);
  // The checkout chunk waits for the shopper's first cart interaction (cart-triggers.js).
  bindCart(api, live(FEATURE_CHECKOUT));
  // Offers: only where a campaign's pages match (or on the admin's preview), when idle.
  const offers = config.offers?.campaigns?.some(({ pages: p }) => matches(p?.include, 1) && !matches(p?.exclude));
  bodyReady().then(() => {
    if (offers || preview) {
      (self.requestIdleCallback || setTimeout)(() => api.loadChunk(FEATURE_OFFERS), { timeout: 1500 });
    }
  });
  const names = Object.keys(features).filter(
    (name) => live(name) && ![FEATURE_CHECKOUT, FEATURE_OFFERS].includes(name),
  );
  if (names.length) {
    await bodyReady();
    await Promise.all(names.map(api.loadChunk));
  }
  settle(true);
  emit(EV_READY, { features });
}

function start() {
  const stub = window[GLOBAL];
  if (stub?.version) return; // the real loader already runs on this page
  const script = findScript();
  const store = script?.getAttribute(ATTR_STORE);
  if (!store) return warn("store", `the script tag needs ${ATTR_STORE}`);
  const origin = new URL(script.src, location.href).origin;

  initEvents(store, origin + PATH_EVENTS, (event) => {
    if (debug("events")) console.info(`${LOG_PREFIX} event`, event);
  });
  if (script.getAttribute(ATTR_CONSENT) !== CONSENT_REQUIRED) setConsent(true);
  try {
    const param = new URLSearchParams(location.search).get(DEBUG_PARAM);
    if (param !== null) setDebug(param);
  } catch {}

  register(CMD_TRACK, (name, props) => {
    track(name, props);
  });
  register(CMD_CONSENT, (value) => {
    setConsent(value === true);
    emit(EV_CONSENT, value === true);
  });
  register(CMD_DEBUG, (what) => {
    setDebug(what);
    emit(EV_DEBUG, what);
  });
  register(CMD_ON, on);
  register(CMD_OFF, off);

  // The real command function. Its `q.push` keeps an old reference to the stub working:
  // the stub pushes its arguments onto window.keepcart.q.
  const keepcart = (...args) => run(args);
  keepcart.version = VERSION;
  keepcart.q = { push: (args) => run([...args]) };
  window[GLOBAL] = keepcart;

  record(TYPE_PAGEVIEW, TYPE_PAGEVIEW);
  if (Array.isArray(stub?.q)) for (const args of stub.q) run([...args]);

  listenForCartClicks();
  const flushNow = () => flush(true);
  addEventListener(DOM_PAGEHIDE, flushNow, true);
  document.addEventListener(DOM_VISIBILITYCHANGE, () => document.hidden && flushNow());

  setup(store, origin).catch((error) => warn("setup", "setup failed", error));
}

try {
  start();
} catch (error) {
  warn("start", "could not start", error);
}
