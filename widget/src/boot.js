// keepcart.js, the script merchants paste into their storefront:
//   <script async src="{origin}/v1/keepcart.js" data-store="pk_…"></script>
// Its first stage: all of Keepcart that runs while the page loads. It installs
// window.keepcart (calls are queued), notes when the page was shown and listens for cart
// clicks; after the page's load event (in a task of its own where browsers allow) and an
// idle moment (at once when the shopper clicks the cart, or a command waits for a feature) it
// fetches the store's config and imports the loader proper (loader.js, built as
// chunks/main.{hash}.js) side by side, and hands over.
// Before that it touches no element, storage or network: issue 11's bench counts every
// browser call made while the page loads (the first element a script reads costs ~3 ms of
// main thread at 4×). A page hidden or left before the hand-over still sends its view and the
// calls to `track` made on it (beacons). It never throws into the page.
//
// The `boot` object is a contract between releases: keepcart.js is cached for minutes, and a
// cached one may hand over to a newer loader (the server redirects an old main.{hash}.js to
// the current one). Change it only by adding.
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
  CMD_OFF,
  CMD_ON,
  CMD_OPEN,
  CMD_TRACK,
  CONFIG_TIMEOUT_MS,
  CONSENT_REQUIRED,
  DOM_PAGEHIDE,
  DOM_VISIBILITYCHANGE,
  GLOBAL,
  MAX_BATCH_BYTES,
  OFFER_PREVIEW_ID,
  PATH_CHUNKS,
  PATH_CONFIG,
  PATH_EVENTS,
  SESSION_KEY,
  SESSION_PREFIX,
  SOURCE_KEY,
  TYPE_CUSTOM,
  TYPE_PAGEVIEW,
  VISITOR_KEY,
  VISITOR_PREFIX,
  VISITS_KEY,
} from "./constants.js";
import { CONTENT_TYPE, makeEvent } from "./event.js";
import { randomId, VALID_ID } from "./identity.js";
import { warn } from "./log.js";
import { LOCAL, SESSION, touch } from "./storage.js";

// Commands the loader answers without loading a feature: they wait for the hand-over. Any
// other (add, open, a chunk's) starts it at once.
const LIGHT = /^(track|on|off|consent|debug)$/;
const LOOK_MS = 2000; // how often to look whether the page has loaded, where nothing says so

/**
 * What the first stage hands the loader's start(boot): `at` (the page view's time), `q`
 * (queued calls, [name, ...args]; a `track` call carries its time as `.calledAt`, not `.at`:
 * that is an array method), `script`,
 * `store`, `origin`, `config` (the promise of the config response), `sent` (the page view
 * already left, by beacon), `ids` (the ids that beacon carried: the loader keeps them),
 * `off` (Keepcart stays off: the loader must not start), and two fields the loader sets:
 * `cart` (false: cart clicks are the page's own again) and `started`.
 */
const boot = { at: Date.now(), q: [] };
let main; // the promise of the hand-over

// The snippet's tag, once: by its file name, else (a shop serving the file itself under
// another name) by a store key. False when there is none: Keepcart stays off.
function tag() {
  if (boot.script === undefined) {
    const script =
      document.querySelector(`script[${ATTR_STORE}][src*="keepcart"]`) ||
      document.querySelector(`script[${ATTR_STORE}^="pk_"][src]`);
    boot.store = script?.getAttribute(ATTR_STORE);
    // script.src is an absolute URL: its origin without a URL object.
    boot.origin = boot.store && /^https?:\/\/[^/?#]+/i.exec(script.src)?.[0];
    boot.script = Boolean(boot.origin) && script;
    if (!boot.script) stop(`the script tag needs ${ATTR_STORE}`);
  }
  return boot.script;
}

// Keepcart stays off on this page: nothing more is queued, recorded or sent, and cart
// clicks are the page's own.
function stop(message, error) {
  boot.cart = false;
  boot.off = true;
  boot.q = [];
  warn("start", message, error);
}

function start() {
  if (main || !tag()) return;
  // The tag found (a first element read), the config's fetch() and the loader's import() each
  // in a task of its own: each first call costs the page several ms at 4× CPU, any two
  // together nearly a long task.
  const task = () => new Promise((resolve) => setTimeout(resolve));
  main = task()
    .then(() => {
      boot.config = fetch(`${boot.origin}${PATH_CONFIG}${encodeURIComponent(boot.store)}/config`, {
        credentials: "omit",
        mode: "cors",
        signal: AbortSignal.timeout?.(CONFIG_TIMEOUT_MS),
      });
      boot.config.catch(() => {}); // the loader reports it
    })
    .then(task)
    .then(() => import(boot.origin + PATH_CHUNKS + __KEEPCART_MAIN__))
    .then((module) => boot.off || module.start(boot))
    .catch((error) => stop("Keepcart could not start", error));
  // A loader that never comes must not keep the shop's cart buttons.
  setTimeout(() => boot.started || boot.off || stop("Keepcart did not start in time"), CONFIG_TIMEOUT_MS);
}

// The ids identity.js would give this page (the same rules, in short: keep the two in step):
// consent as the tag and the consent calls so far say (each call applied once, in order: a
// withdrawal forgets the stored ids); under consent the stored ids, or new ones stored (a new
// session counted as a visit with its source); without, a session id in memory only. The
// session stays the page's across calls (boot.ids).
function pageIds() {
  boot.consent ??= boot.script.getAttribute(ATTR_CONSENT) !== CONSENT_REQUIRED;
  for (const args of boot.q) {
    if (args[0] !== CMD_CONSENT || args.applied) continue;
    args.applied = true;
    boot.consent = args[1] === true;
    if (!boot.consent) {
      touch(LOCAL, "removeItem", VISITOR_KEY);
      touch(SESSION, "removeItem", SESSION_KEY);
    }
  }
  const session = boot.ids?.session_id || randomId(SESSION_PREFIX);
  if (!boot.consent) return { session_id: session };
  // Storage directly (storage.js's memory belongs to the loader, not loaded yet).
  const id = (area, key, made, isNew) => {
    let value = touch(area, "getItem", key);
    if (!value || !VALID_ID.test(value)) {
      value = made;
      touch(area, "setItem", key, value);
      isNew?.();
    }
    return value;
  };
  return {
    session_id: id(SESSION, SESSION_KEY, session, () => {
      touch(LOCAL, "setItem", VISITS_KEY, String((+touch(LOCAL, "getItem", VISITS_KEY) || 0) + 1));
      touch(SESSION, "setItem", SOURCE_KEY, new URLSearchParams(location.search).get("utm_source") || "");
    }),
    visitor_id: id(LOCAL, VISITOR_KEY, randomId(VISITOR_PREFIX)),
  };
}

// The page is hidden or left before the hand-over: its view (once), then the `track` calls
// made on it so far (taken off the queue, so the loader, should it still come, sends none
// again), each by a beacon of its own, so a bad call cannot cost another. A beacon the
// browser refuses leaves its event for the next time (or the loader); one over the server's
// size limit is dropped.
function leave() {
  if (boot.started || boot.off || !tag() || document.getElementById(OFFER_PREVIEW_ID)) return;
  boot.ids = pageIds(); // the loader's identity.js adopts them: one session for the page
  const send = (event) => {
    const body = new Blob([JSON.stringify({ store: boot.store, events: [{ ...event, ...boot.ids }] })], {
      type: CONTENT_TYPE,
    });
    return body.size > MAX_BATCH_BYTES ? null : navigator.sendBeacon(boot.origin + PATH_EVENTS, body);
  };
  if (!boot.sent) boot.sent = send(makeEvent(TYPE_PAGEVIEW, TYPE_PAGEVIEW, {}, boot.at));
  for (const args of boot.q.filter(([name]) => name === CMD_TRACK)) {
    let event;
    try {
      event = makeEvent(TYPE_CUSTOM, args[1], args[2], args.calledAt);
    } catch {} // props that throw when read: that call is dropped, as the loader drops it
    if (event && send(event) === false) break;
    boot.q = boot.q.filter((each) => each !== args);
  }
}

try {
  const stub = window[GLOBAL];
  if (!stub?.version) {
    // A call queued: a `track` with its time (the snippet stub's, before this ran: the
    // page's start); one that waits for a feature starts the hand-over.
    const queue = (args, at = Date.now()) => {
      if (args[0] === CMD_TRACK) args.calledAt = at;
      boot.q.push(args);
      if (!LIGHT.test(String(args[0]))) start();
    };
    if (Array.isArray(stub?.q)) for (const args of stub.q) queue([...args], boot.at);
    // Until the hand-over calls are queued; after it, a kept reference to this function
    // passes them on. Its `q.push` keeps an old reference to the stub working (the stub
    // pushes its arguments onto window.keepcart.q).
    const keepcart = (...args) => {
      try {
        if (window[GLOBAL] !== keepcart) return window[GLOBAL](...args);
        if (!boot.off) queue(args);
        // keepcart('on', name, fn) returns its unsubscribe, as the loader's does.
        if (args[0] === CMD_ON) return () => window[GLOBAL](CMD_OFF, args[1], args[2]);
      } catch (error) {
        warn("queue", "keepcart() failed", error);
      }
    };
    keepcart.version = __KEEPCART_VERSION__;
    keepcart.pending = true; // calls wait for the loader (its keepcart has no `pending`)
    keepcart.q = { push: (args) => keepcart(...args) };
    window[GLOBAL] = keepcart;

    // Cart clicks, delegated (buttons added later work; attributes read at click time, as
    // shops rewrite them when variants change), through whichever keepcart() is current.
    document.addEventListener("click", (event) => {
      const el = boot.cart !== false && event.target.closest?.(`[${ATTR_ADD}],[${ATTR_OPEN}]`);
      if (!el || !tag()) return;
      event.preventDefault();
      const sku = el.getAttribute(ATTR_ADD);
      window[GLOBAL](
        ...(sku === null ? [CMD_OPEN, el.getAttribute(ATTR_OPEN), el] : [CMD_ADD, sku, el.getAttribute(ATTR_QTY), el]),
      );
    });
    const leaving = (event) => {
      try {
        if (event.type === DOM_PAGEHIDE || document.visibilityState === "hidden") leave();
      } catch {}
    };
    addEventListener(DOM_PAGEHIDE, leaving, true);
    document.addEventListener(DOM_VISIBILITYCHANGE, leaving);
    const later = () => idle(start);
    const onLoad = () => addEventListener("load", later, { once: true });
    if (document.readyState === "complete") later();
    else {
      // Not in the page's load event (its task holds the page's first full layout, often near
      // a long task at 4× CPU already: a listener of ours there tips it over), but in a task
      // after it: the navigation entry, given to observers once the load event has ended.
      // Where it can't be had or came early (Safari before 2025 gave it out as the document
      // arrived, loadEventEnd 0, and never again), the load event.
      try {
        const observer = new PerformanceObserver((list) => {
          let ended; // (a page's wrapper may hand over no list)
          try {
            observer.disconnect();
            ended = list.getEntries()[0]?.loadEventEnd > 0;
          } catch {}
          if (ended) later();
          // Early: in or after the load event (then in a task of its own), else before it.
          else if (document.readyState === "complete") setTimeout(later);
          else onLoad();
        });
        if (PerformanceObserver.supportedEntryTypes.includes("navigation")) observer.observe({ type: "navigation" });
        else onLoad();
      } catch {
        onLoad();
      }
      // A browser that never gives the entry out (Firefox resisting fingerprinting): a look
      // every 2 s.
      const look = () => main || (document.readyState === "complete" ? later() : setTimeout(look, LOOK_MS));
      setTimeout(look, LOOK_MS);
    }
  }
} catch (error) {
  warn("start", "could not start", error);
}
