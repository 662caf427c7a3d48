// Session and visitor ids. Under consent mode nothing touches storage and no visitor id
// exists until consent; the session id then lives only in memory. Storage is not touched
// when the page starts: the ids are settled the first time they are needed (an event batch
// leaving, a feature asking), which is after the page's load unless the shopper acts first.
import { SESSION_KEY, SESSION_PREFIX, SOURCE_KEY, VISITOR_KEY, VISITOR_PREFIX, VISITS_KEY } from "./constants.js";
import { getStored, LOCAL, SESSION, setStored } from "./storage.js";

// What the server accepts for ids. (boot.js applies these rules in short to the view of a page
// left before this module loaded: keep the two in step.)
export const VALID_ID = /^[\w-]{1,64}$/;

let wanted = false; // consent as given so far, applied to storage by settle()
let consented = false;
let settled = true; // nothing to apply yet
let sessionId; // made when first needed: nothing runs at the page's start that can wait
let visitorId = null;
let adoptedVisitor; // the first stage's, for a visitor it had to make up (storage failing)

// This page's session id, made when first needed.
const session = () => (sessionId ||= randomId(SESSION_PREFIX));

/** A prefix and 16 random hex digits. */
export function randomId(prefix) {
  for (const byte of crypto.getRandomValues(new Uint8Array(8))) {
    prefix += (byte + 256).toString(16).slice(1);
  }
  return prefix;
}

function read(area, key) {
  const value = getStored(area, key);
  return value && VALID_ID.test(value) ? value : null;
}

// Apply the consent given so far: withdrawing forgets the stored ids; giving it reads them
// (or starts a new session, counting a visit, and a new visitor).
function settle() {
  if (settled) return;
  settled = true;
  if (!wanted) {
    consented = false;
    visitorId = adoptedVisitor = null;
    setStored(LOCAL, VISITOR_KEY, null);
    setStored(SESSION, SESSION_KEY, null);
  } else if (!consented) {
    consented = true;
    const stored = read(SESSION, SESSION_KEY);
    if (stored) sessionId = stored;
    else {
      // A new session: one more visit, and the source it came with.
      setStored(SESSION, SESSION_KEY, session());
      setStored(LOCAL, VISITS_KEY, (+getStored(LOCAL, VISITS_KEY) || 0) + 1);
      setStored(SESSION, SOURCE_KEY, new URLSearchParams(location.search).get("utm_source") || "");
    }
    visitorId = read(LOCAL, VISITOR_KEY);
    if (!visitorId) {
      visitorId = adoptedVisitor || randomId(VISITOR_PREFIX);
      setStored(LOCAL, VISITOR_KEY, visitorId);
    }
  }
}

/** The ids keepcart.js's first stage sent this page's view with (boot.ids), kept for its
 * later events: one session for the page, even with nothing stored (consent mode). */
export function adoptIds(given) {
  sessionId ||= given?.session_id;
  adoptedVisitor = given?.visitor_id;
}

/**
 * Give (true) or withdraw (false) consent. `later`: only note it, for settle() when the ids
 * are first needed (the loader's default consent, so starting touches no storage).
 */
export function setConsent(value, later) {
  wanted = value === true;
  settled = false;
  if (!later) settle();
}

export const hasConsent = () => {
  settle();
  return consented;
};

/** The id fields of an event: visitor_id is absent, not null, without consent. */
export const ids = () => {
  settle();
  return visitorId ? { session_id: session(), visitor_id: visitorId } : { session_id: session() };
};
