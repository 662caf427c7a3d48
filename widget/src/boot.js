// keepcart.js, the script merchants paste into their storefront:
//   <script async src="{origin}/v1/keepcart.js" data-store="pk_…"></script>
// Its first stage: all of Keepcart that runs while the page loads. It installs
// window.keepcart (calls are queued), notes when the page was shown and listens for cart
// clicks; after the page's load event and an idle moment (at once when the shopper clicks the
// cart, or a command waits for a feature) it fetches the store's config and imports the
// loader proper (loader.js, built as chunks/main.{hash}.js) side by side, and hands over.
// Before that it touches no element, storage or network: issue 11's bench counts every
// browser call made while the page loads (the first element a script reads costs ~3 ms of
// main thread at 4×). A page left before the hand-over still counts its view (one beacon).
// It never throws into the page.
/* global __KEEPCART_VERSION__, __KEEPCART_MAIN__ */
import { idle } from "./chunks.js";
import {
  ATTR_ADD,
  ATTR_CONSENT,
  ATTR_OPEN,
  ATTR_QTY,
  ATTR_STORE,
  CMD_ADD,
  CMD_CONSENT,
  CMD_OPEN,
  CONFIG_TIMEOUT_MS,
  CONSENT_REQUIRED,
  DOM_PAGEHIDE,
  GLOBAL,
  MAX_URL,
  OFFER_PREVIEW_ID,
  PATH_CHUNKS,
  PATH_CONFIG,
  PATH_EVENTS,
  SESSION_KEY,
  SESSION_PREFIX,
  SOURCE_KEY,
  TYPE_PAGEVIEW,
  VISITOR_KEY,
  VISITOR_PREFIX,
  VISITS_KEY,
} from "./constants.js";
import { randomId, VALID_ID } from "./identity.js";
import { warn } from "./log.js";
import { LOCAL, SESSION } from "./storage.js";

// Commands the loader answers without loading a feature: they wait for the hand-over. Any
// other (add, open, a chunk's) starts it at once.
const LIGHT = /^(track|on|off|consent|debug)$/;

/**
 * What the first stage hands the loader's start(boot): `at` (the page view's time), `q`
 * (queued calls, [name, ...args]), `script`, `store`, `origin`, `config` (the promise of the
 * config response), and two flags the loader sets: `cart` (false: cart clicks are the
 * page's own again) and `started`.
 */
const boot = { at: Date.now(), q: [] };
let main; // the promise of the hand-over

// The snippet's tag, once (a shop serving the file itself keeps "keepcart" in its name).
// False when Keepcart stays off.
function tag() {
  if (boot.script === undefined) {
    const script = document.querySelector(`script[${ATTR_STORE}][src*="keepcart"]`);
    boot.store = script?.getAttribute(ATTR_STORE);
    // script.src is an absolute URL: its origin without a URL object.
    boot.origin = boot.store && /^https?:\/\/[^/?#]+/i.exec(script.src)?.[0];
    boot.script = Boolean(boot.origin) && script;
    if (!boot.script) stop(`the script tag needs ${ATTR_STORE}`);
  }
  return boot.script;
}

function stop(message, error) {
  boot.cart = false;
  warn("start", message, error);
}

function start() {
  if (main || !tag()) return;
  boot.config = fetch(`${boot.origin}${PATH_CONFIG}${encodeURIComponent(boot.store)}/config`, {
    credentials: "omit",
    mode: "cors",
    signal: AbortSignal.timeout?.(CONFIG_TIMEOUT_MS),
  });
  boot.config.catch(() => {}); // the loader reports it
  main = import(boot.origin + PATH_CHUNKS + __KEEPCART_MAIN__)
    .then((module) => module.start(boot))
    .catch((error) => stop("Keepcart could not start", error));
}

// Storage, directly (the loader's storage.js and identity.js are not loaded yet): a string,
// or null when missing or unavailable.
function stored(area, key, value) {
  try {
    return value === undefined ? globalThis[area].getItem(key) : globalThis[area].setItem(key, value);
  } catch {
    return null;
  }
}

// A page left before the hand-over: its view, by beacon, with the ids identity.js would have
// given it (the same rules, in short: under consent the stored ids, or new ones stored, a new
// session counted as a visit with its source; without consent a session id in memory only).
function leave() {
  if (boot.started || !tag() || document.getElementById(OFFER_PREVIEW_ID)) return;
  let consent = boot.script.getAttribute(ATTR_CONSENT) !== CONSENT_REQUIRED;
  for (const [name, value] of boot.q) if (name === CMD_CONSENT) consent = value === true;
  const id = (area, key, prefix, isNew) => {
    let value = consent ? stored(area, key) : null;
    if (!value || !VALID_ID.test(value)) {
      value = randomId(prefix);
      if (consent) {
        stored(area, key, value);
        isNew?.();
      }
    }
    return value;
  };
  const ids = {
    session_id: id(SESSION, SESSION_KEY, SESSION_PREFIX, () => {
      stored(LOCAL, VISITS_KEY, (+stored(LOCAL, VISITS_KEY) || 0) + 1);
      stored(SESSION, SOURCE_KEY, new URLSearchParams(location.search).get("utm_source") || "");
    }),
  };
  if (consent) ids.visitor_id = id(LOCAL, VISITOR_KEY, VISITOR_PREFIX);
  const url = (text) => text.slice(0, MAX_URL);
  const event = {
    type: TYPE_PAGEVIEW,
    name: TYPE_PAGEVIEW,
    occurred_at: boot.at,
    url: url(location.href),
    referrer: url(document.referrer),
    props: {},
    ...ids,
  };
  navigator.sendBeacon(
    boot.origin + PATH_EVENTS,
    new Blob([JSON.stringify({ store: boot.store, events: [event] })], { type: "text/plain;charset=UTF-8" }),
  );
}

try {
  const stub = window[GLOBAL];
  if (!stub?.version) {
    if (Array.isArray(stub?.q)) for (const args of stub.q) boot.q.push([...args]);
    // Until the hand-over: calls are queued. Its `q.push` keeps an old reference to the
    // stub working (the stub pushes its arguments onto window.keepcart.q).
    const keepcart = (...args) => {
      boot.q.push(args);
      if (!LIGHT.test(args[0])) start();
    };
    keepcart.version = __KEEPCART_VERSION__;
    keepcart.pending = true; // calls wait for the loader (its keepcart has no `pending`)
    keepcart.q = { push: (args) => keepcart(...args) };
    window[GLOBAL] = keepcart;

    // Cart clicks, delegated (buttons added later work; attributes read at click time, as
    // shops rewrite them when variants change), through whichever keepcart() is current.
    document.addEventListener("click", (event) => {
      const el = boot.cart !== false && event.target.closest?.(`[${ATTR_ADD}],[${ATTR_OPEN}]`);
      if (!el) return;
      event.preventDefault();
      const sku = el.getAttribute(ATTR_ADD);
      window[GLOBAL](
        ...(sku === null ? [CMD_OPEN, el.getAttribute(ATTR_OPEN), el] : [CMD_ADD, sku, el.getAttribute(ATTR_QTY), el]),
      );
    });
    addEventListener(
      DOM_PAGEHIDE,
      () => {
        try {
          leave();
        } catch {}
      },
      true,
    );
    const later = () => idle(start);
    if (document.readyState === "complete") later();
    else addEventListener("load", later, { once: true });
  }
} catch (error) {
  warn("start", "could not start", error);
}
