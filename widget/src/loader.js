// The loader proper (built as chunks/main.{hash}.js): boot.js, the first stage in
// keepcart.js, imports it after the page's load (or at once for a waiting shopper: a cart
// click) and calls start(boot). It replaces the queued window.keepcart with the real one,
// replays the queued calls, records the page view, reads the store's config (requested by
// the first stage alongside this module), and loads the feature chunks the config names. It
// never throws into the page: failures warn once on the console and Keepcart stays off.
/* global __KEEPCART_VERSION__ */
import { bindCart } from "./cart-triggers.js";
import { breathe, hasChunk, knowChunks, loadChunk, preloadChunk } from "./chunks.js";
import { register, run, settle } from "./commands.js";
import {
  ATTR_CONSENT,
  CART_KEY,
  CMD_CONSENT,
  CMD_DEBUG,
  CMD_OFF,
  CMD_ON,
  CMD_TRACK,
  CONSENT_REQUIRED,
  DEBUG_PARAM,
  DOM_PAGEHIDE,
  DOM_VISIBILITYCHANGE,
  EV_CART_CHANGE,
  EV_CONSENT,
  EV_DEBUG,
  EV_READY,
  GLOBAL,
  LOG_PREFIX,
  OFFER_PREVIEW_ID,
  PATH_EVENTS,
  SESSION_KEY,
  TYPE_CUSTOM,
  TYPE_PAGEVIEW,
} from "./constants.js";
import { emit, off, on } from "./emitter.js";
import { flush, initEvents, record, startEvents, stopEvents } from "./events.js";
import { adoptIds, hasConsent, ids, setConsent } from "./identity.js";
import { warn } from "./log.js";
import { createRequest } from "./request.js";
import { flushStorage, getStored, LOCAL, SESSION, setStored } from "./storage.js";

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

const track = (name, props, type = TYPE_CUSTOM, at) => record(type, name, props, at);

// Does a campaign's page pattern (a regex source, or null → `empty`) match this page?
const matches = (source, empty) => {
  try {
    return source ? new RegExp(source).test(location.href) : empty;
  } catch {}
};

// Keepcart stays off on this page: cart clicks are the page's own again, nothing is
// recorded, and no command waits for ever.
function stayOff(boot, kind, message, ...error) {
  boot.cart = false;
  stopEvents();
  settle(false);
  warn(kind, message, ...error);
}

// The store's config, from the response the first stage asked for.
async function readConfig(boot) {
  const response = await boot.config;
  const config = response.ok && (await response.json());
  if (!config?.features) throw response.status;
  return config;
}

/**
 * config.chunks: [{name, src, cart?, idle?, with_cart?, pages?, mounts?, preview?}]: the store's
 * feature chunks.
 * `cart`: takes the cart commands (loaded on the first cart interaction); `idle`: loaded in
 * the background (where one of `pages` ({include, exclude} regex sources) matches, when
 * given; where the page has an element matching the selector `mounts`, when given; with
 * `with_cart` only once the visitor has a cart; on the admin's offer preview page only chunks
 * with `preview`); others load at once and are mounted before `ready`.
 */
// Setup yields to the page between its steps (breathe), so none makes a long task: the config
// may be in before this module has run, and then every step would follow in one microtask
// checkpoint.
async function setup(boot, preview) {
  const { store, origin } = boot;
  let config;
  try {
    await breathe(); // the hand-over's task ends here
    config = await readConfig(boot);
  } catch (error) {
    // Unknown store (404), server down, bad answer; or the page being left, which cancels the
    // request: its rejection can come before the pagehide listener below has sent what is
    // queued (between two listeners of that event). One task later they have all run.
    await breathe();
    return stayOff(boot, "config", `no config for store ${store}; Keepcart stays off`, error);
  }
  await breathe(); // the config read in a task of its own; storage (a first touch costs) next
  if (!preview) startEvents(config.events?.max_batch);
  // The ids settled (a new session's visit counted) on every page, now it has loaded. A first
  // touch of each storage area costs the page several ms at 4× CPU: one area per task (a read
  // stores nothing, with or without consent).
  getStored(SESSION, SESSION_KEY);
  await breathe();
  ids();
  await breathe();
  // What every feature chunk's mount(api) receives (see widget/README.md).
  const api = Object.freeze({
    version: VERSION,
    store,
    origin,
    config,
    track,
    emit,
    on,
    off,
    command: register,
    loadChunk: (name) => loadChunk(origin, String(name), api),
    debug,
    warn,
    consented: hasConsent,
    ids,
    storage: { get: getStored, set: setStored },
    // Every chunk but badges asks the API: in the loader, one copy (each chunk is one file
    // and would carry its own).
    request: createRequest(origin),
    back: {}, // the phone back button's state every chunk's watches share (offers/triggers.js)
  });
  const chunks = (Array.isArray(config.chunks) ? config.chunks : []).filter(Boolean);
  knowChunks(chunks);
  const preload = (chunk) => preloadChunk(origin, chunk, api);
  boot.cart = bindCart(
    api,
    chunks.find((chunk) => chunk.cart && hasChunk(chunk.name)),
    preload,
  );
  const here = (chunk) =>
    (preview
      ? chunk.preview
      : !Array.isArray(chunk.pages) || chunk.pages.some((p) => matches(p?.include, 1) && !matches(p?.exclude))) &&
    (!chunk.mounts || document.querySelector(chunk.mounts));
  const now = [];
  for (const chunk of chunks) {
    if (chunk.cart || !here(chunk)) continue;
    if (!chunk.idle) now.push(api.loadChunk(chunk.name));
    else if (preview || debug() || !chunk.with_cart || getStored(LOCAL, CART_KEY)) preload(chunk);
    else {
      // Of no use to a visitor without a cart: loaded at once when the cart gets something
      // in it (the shopper may be about to leave), or when debug mode is turned on.
      const load = (yes) => {
        if (!yes) return;
        off(EV_CART_CHANGE, wait);
        off(EV_DEBUG, load);
        api.loadChunk(chunk.name);
      };
      const wait = (cart) => load(cart?.count > 0);
      on(EV_CART_CHANGE, wait);
      on(EV_DEBUG, load);
    }
  }
  await Promise.all(now);
  await breathe(); // the chunks bound and preloading started in setup's last task; ready next
  settle(true);
  emit(EV_READY, { features: config.features });
}

/** The hand-over from the first stage (boot.js): `boot` as it documents. */
export function start(boot) {
  boot.started = true;
  const { store, origin, script } = boot;
  initEvents(store, origin + PATH_EVENTS, (event) => {
    if (debug("events")) console.info(`${LOG_PREFIX} event`, event);
  });
  // Consent by default, unless the tag asks for it; a queued consent call comes after.
  if (script.getAttribute(ATTR_CONSENT) !== CONSENT_REQUIRED) setConsent(true, true);
  const param = new URLSearchParams(location.search).get(DEBUG_PARAM);
  if (param !== null) setDebug(param);

  register(CMD_TRACK, (name, props) => {
    track(name, props);
  });
  register(CMD_CONSENT, (value) => {
    // Given: applied when the ids are first needed; withdrawn: forgotten now.
    setConsent(value === true, value === true);
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

  // The admin's preview of an offer (its JSON stands before the script) is not a shopper's
  // page: it records nothing, not even a page view sent as the preview reloads.
  const preview = document.getElementById(OFFER_PREVIEW_ID);
  if (preview) stopEvents();
  adoptIds(boot.ids);
  if (!boot.sent) record(TYPE_PAGEVIEW, TYPE_PAGEVIEW, undefined, boot.at); // else by beacon
  // Queued calls in order; a `track` with the time it was called.
  for (const args of boot.q) {
    if (args[0] === CMD_CONSENT && args.applied) {
      // Applied by the first stage already (a page hidden before the hand-over): its storage
      // side is done; only the state, settled once with the ids it left.
      setConsent(args[1] === true, true);
      emit(EV_CONSENT, args[1] === true);
      continue;
    }
    if (args[0] !== CMD_TRACK || !args.calledAt) {
      run(args);
      continue;
    }
    try {
      track(args[1], args[2], TYPE_CUSTOM, args.calledAt);
    } catch (error) {
      warn("failed:track", 'keepcart("track") failed', error); // as run() would
    }
  }

  const flushNow = () => {
    flush(true);
    flushStorage();
  };
  addEventListener(DOM_PAGEHIDE, flushNow, true);
  document.addEventListener(DOM_VISIBILITYCHANGE, () => document.hidden && flushNow());
  setup(boot, preview).catch((error) => stayOff(boot, "setup", "setup failed", error));
}
