// The interruption budget every Keepcart interruption shares (offers and surveys):
// per visitor at most one interruption per session and `perWeek` in any 7 days, and never two
// overlays at once. The same memory keeps per-campaign (or per-survey) impressions,
// dismissals and conversions (a survey's: answered, and the response left open). It lives in localStorage, or in sessionStorage under consent
// mode without consent (per-session memory only). What is read back is checked field by
// field: storage is page-writable and may hold anything.
import { ATTR_BADGES, HOST_ID, INTERRUPTIONS_KEY } from "./constants.js";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_TIMES = 50;
const MAX_ITEMS = 100;

const num = (value) => (Number.isFinite(value) && value >= 0 ? value : 0);
/** `value` if a string (its first 200 characters), else "". */
export const str = (value) => (typeof value === "string" ? value.slice(0, 200) : "");

// Through the loader's storage (read once per page, writes coalesced: ../storage.js).
const area = (api) => (api.consented() ? "localStorage" : "sessionStorage");

/**
 * The session the budget counts in: the session id, or (without consent, when the session
 * id lives only in memory and changes on every page) the tab, which sessionStorage is.
 */
export const sessionOf = (api) => (api.consented() ? api.ids().session_id : "tab");

/** One item's memory (a campaign's): impressions, last shown, dismissal, conversion. */
const cleanItem = (item) => ({
  n: num(item?.n), // impressions (trigger fired and shown, or would have been for a holdout)
  at: num(item?.at), // last impression, ms
  session: str(item?.session), // session of the last impression
  dismissed: num(item?.dismissed), // ms of the last dismissal, 0 for none
  converted: item?.converted === true,
  answered: item?.answered === true, // a survey: completed
  open: str(item?.open), // a survey: the response left open this session (not dismissed), or ""
});

/**
 * The visitor's memory: {times: [ms of interruptions], spent: session
 * of the last interruption, bought: session of the last purchase, held: session in which a
 * survey holds the budget (surveys before offers: ../chunks/surveys.js), items: {id: item}}.
 */
export function readMemory(api) {
  let raw;
  try {
    raw = JSON.parse(api.storage.get(area(api), INTERRUPTIONS_KEY));
  } catch {}
  const items = {};
  if (raw?.items && typeof raw.items === "object") {
    for (const [id, item] of Object.entries(raw.items).slice(-MAX_ITEMS)) items[str(id)] = cleanItem(item);
  }
  return {
    times: (Array.isArray(raw?.times) ? raw.times : []).map(num).filter(Boolean).slice(-MAX_TIMES),
    spent: str(raw?.spent),
    bought: str(raw?.bought),
    held: str(raw?.held),
    items,
  };
}

/** Read, let `change(memory)` edit it, store it; returns the new memory. */
export function updateMemory(api, change) {
  const memory = readMemory(api);
  change(memory);
  api.storage.set(area(api), INTERRUPTIONS_KEY, JSON.stringify(memory));
  return memory;
}

/** An item's memory (all zero when it has none). */
export const itemMemory = (memory, id) => memory.items[id] || cleanItem(null);

const OPEN = "dialog[open]";

/**
 * A Keepcart dialog or the page's own native <dialog> is open: on the page, in Keepcart's root,
 * or in a badges mount's own shadow root (their details). Keepcart's root is looked up, never
 * made: without it none of its dialogs can be open, and making it (a host element, its shadow
 * root and stylesheet) cost every page with a campaign a layout of the whole page.
 */
export const overlayOpen = () =>
  Boolean(
    document.querySelector(OPEN) ||
      [document.getElementById(HOST_ID), ...document.querySelectorAll(`[${ATTR_BADGES}]`)].some((el) =>
        el?.shadowRoot?.querySelector(OPEN),
      ),
  );

/**
 * May a new interruption start now? Not when one already happened this session, `perWeek`
 * happened in the last 7 days, the shopper bought something this session, a survey holds the
 * budget this session (unless `holder`: the surveys asking), or an overlay is open.
 */
export function budgetAllows(api, perWeek, now = Date.now(), holder) {
  const memory = readMemory(api);
  const session = sessionOf(api);
  const week = memory.times.filter((time) => now - time < WEEK_MS).length;
  return (
    memory.spent !== session &&
    memory.bought !== session &&
    (holder || memory.held !== session) &&
    week < perWeek &&
    !overlayOpen()
  );
}

/** Count an interruption (and the impression of item `id`) against the budget. */
export function spendBudget(api, id, now = Date.now()) {
  const session = sessionOf(api);
  return updateMemory(api, (memory) => {
    memory.spent = session;
    memory.times.push(now);
    const item = itemMemory(memory, id);
    memory.items[id] = { ...item, n: item.n + 1, at: now, session };
  });
}
