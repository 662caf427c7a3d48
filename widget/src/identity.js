// Session and visitor ids. Under consent mode nothing touches storage and no visitor id
// exists until consent; the session id then lives only in memory.
import { SESSION_KEY, SESSION_PREFIX, SOURCE_KEY, VISITOR_KEY, VISITOR_PREFIX, VISITS_KEY } from "./constants.js";

const VALID = /^[\w-]{1,64}$/; // what the server accepts for ids
const LOCAL = "localStorage";
const SESSION = "sessionStorage";

let consented = false;
let sessionId = randomId(SESSION_PREFIX);
let visitorId = null;

/** A prefix and 16 random hex digits. */
export function randomId(prefix) {
  for (const byte of crypto.getRandomValues(new Uint8Array(8))) {
    prefix += (byte + 256).toString(16).slice(1);
  }
  return prefix;
}

// Storage may be missing or throw on access (Safari private mode, sandboxed iframes,
// blocked cookies): every touch is wrapped, and failure means "not stored".
function storage(area, method, key, value) {
  try {
    return window[area][method](key, value);
  } catch {}
}

function read(area, key) {
  const value = storage(area, "getItem", key);
  return value && VALID.test(value) ? value : null;
}

/** Give (true) or withdraw (false) consent; withdrawing forgets the stored ids. */
export function setConsent(value) {
  if (!value) {
    consented = false;
    visitorId = null;
    storage(LOCAL, "removeItem", VISITOR_KEY);
    storage(SESSION, "removeItem", SESSION_KEY);
  } else if (!consented) {
    consented = true;
    const stored = read(SESSION, SESSION_KEY);
    if (stored) sessionId = stored;
    else {
      // A new session: one more visit, and the source it came with.
      storage(SESSION, "setItem", SESSION_KEY, sessionId);
      storage(LOCAL, "setItem", VISITS_KEY, (+storage(LOCAL, "getItem", VISITS_KEY) || 0) + 1);
      storage(SESSION, "setItem", SOURCE_KEY, new URLSearchParams(location.search).get("utm_source") || "");
    }
    visitorId = read(LOCAL, VISITOR_KEY);
    if (!visitorId) {
      visitorId = randomId(VISITOR_PREFIX);
      storage(LOCAL, "setItem", VISITOR_KEY, visitorId);
    }
  }
}

export const hasConsent = () => consented;

/** The id fields of an event: visitor_id is absent, not null, without consent. */
export const ids = () => (visitorId ? { session_id: sessionId, visitor_id: visitorId } : { session_id: sessionId });
