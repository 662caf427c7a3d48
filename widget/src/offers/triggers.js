// When a campaign's moment comes. watch(trigger, phone, fire, onCartChange) listens for the
// trigger's signals and calls fire(signal); it returns stop(), which removes every listener
// and timer and gives back the history entry the back-button signal added.
//
// Desktop exit intent: the pointer leaves the document through the top sensitivity band,
// after min_seconds on the page, and does not come back within return_delay_ms. Never while
// a <select> (its dropdown) or a text field that can show an autofill or suggestion list has
// focus, or while a dialog is open (the page's, or Keepcart's own such as a badge's details):
// moving into those popups looks like leaving.
// Phone exit intent is a composite (trigger.phone_signals): a fast upward scroll after
// reading at least most of a screen down the page, the back button, leaving the tab or app
// and coming back, and inactivity.
import { api } from "../checkout/env.js";
import { overlayOpen } from "../interruptions.js";

const HISTORY_KEY = "keepcart_offer"; // marks the history entry the back-button signal adds
const FAST_WINDOW_MS = 300; // an upward scroll this quick …
const FAST_SCREENS = 0.25; // … over at least this share of the screen height is a flick
const READ_SCREENS = 0.75; // "read down the page": scrolled at least this far once
const ACTIVITY = ["scroll", "pointerdown", "keydown", "touchstart"];
const NO_LIST_INPUTS = /^(checkbox|radio|button|submit|reset|range|color|file|image|hidden)$/;

// Capturing, so that the page's own listeners can't keep a signal from us. Passive as well, with
// nothing to say so: none of these listeners cancels its event, and the touch ones, on the
// window or the document, are passive by default in every browser.
const onPage = (target, type, fn, stops) => {
  target.addEventListener(type, fn, true);
  stops.push(() => target.removeEventListener(type, fn, true));
};

/** One timer of a watch: each call cancels it and, given `fn`, starts it again. */
const timer = (stops) => {
  let id = 0;
  stops.push(() => clearTimeout(id));
  return (fn, ms) => {
    clearTimeout(id);
    if (fn) id = setTimeout(fn, ms);
  };
};

/** The focused element, looking inside open shadow roots. */
function focused() {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el;
}

/** A dropdown, an autofill/suggestion list or a dialog (the page's or Keepcart's) may be open. */
export function popupMayBeOpen() {
  const el = focused();
  const tag = el?.tagName;
  const listInput =
    (tag === "INPUT" && !NO_LIST_INPUTS.test(el.type) && (el.hasAttribute("list") || el.autocomplete !== "off")) ||
    tag === "TEXTAREA";
  return tag === "SELECT" || listInput || overlayOpen();
}

const scrolledPercent = () => {
  const room = document.documentElement.scrollHeight - innerHeight;
  return room > 0 ? (100 * scrollY) / room : 100;
};

function watchDesktop(trigger, fire, armed, stops) {
  const pending = timer(stops);
  onPage(
    document,
    "mouseout",
    (event) => {
      if (event.relatedTarget || event.clientY > trigger.sensitivity_px || !armed() || popupMayBeOpen()) return;
      const leave = () => popupMayBeOpen() || fire("exit_top");
      if (trigger.return_delay_ms > 0) pending(leave, trigger.return_delay_ms);
      else {
        pending();
        leave();
      }
    },
    stops,
  );
  // The pointer came back in time: a false alarm.
  onPage(document, "mouseover", () => pending(), stops);
}

function watchScrollUp(fire, armed, stops) {
  let deepest = scrollY;
  let samples = [];
  onPage(
    window,
    "scroll",
    () => {
      const now = performance.now();
      const y = scrollY;
      deepest = Math.max(deepest, y);
      samples = samples.filter(([time]) => now - time <= FAST_WINDOW_MS);
      samples.push([now, y]);
      const climbed = Math.max(...samples.map(([, seen]) => seen)) - y;
      if (armed() && deepest >= innerHeight * READ_SCREENS && climbed >= innerHeight * FAST_SCREENS) {
        samples = [];
        fire("scroll_up");
      }
    },
    stops,
  );
}

// Browsers skip history entries added without a user gesture when going back, so the entry
// is added on the shopper's first interaction, and only while a campaign watches for it.
// Every watch shares that one entry through the history itself (the offers and the surveys
// chunks each have their own copy of this code, and a page may run several watches): a
// watch adds it only when it isn't there yet, any watch's entry counts as its own, and the
// first to stop gives it back once. The chunks stop together (the order, or the session's
// one interruption: each stops when the other's fires), so no watch is left to take that
// step back for the shopper's Back. A watch may stop alone, though (its campaign's arm failed
// to load; debug mode): every other watch, of either chunk, knows that step back for its own
// by `api.back.giving` (on the loader's api, which both chunks get: one flag for the page).
//
// The mark is the page load's time origin, the same in both chunks' copies. A reload without
// the back/forward cache finds the entry an earlier load added: a watch takes it over (marks
// it this load's), and when no watch of either chunk did, the chunk gives it back
// (dropStaleEntry), or the shopper's first Back would only step off it.
const LOAD = performance.timeOrigin;
const mark = () => history.state?.[HISTORY_KEY];
const setMark = (value, how = "replaceState") => history[how]({ ...history.state, [HISTORY_KEY]: value }, "");

// Take the mark off first (synchronously: a watch stopping with this one then finds none and
// stays), then step back off the entry (the next navigation drops it). The flag is cleared
// once every watch's popstate listener (registered before this one) has seen that step.
function giveBack() {
  setMark(false);
  api.back.giving = true; // our own step back is on its way: its popstate is no shopper's Back
  addEventListener("popstate", () => (api.back.giving = false), { once: true });
  history.back();
}

/** Once a chunk's watches have started: give back an entry an earlier load added that none took. */
export const dropStaleEntry = () => mark() && mark() !== LOAD && giveBack();

function watchBackButton(fire, armed, stops) {
  let added = !!mark();
  if (added) setMark(LOAD); // a reload keeps the entry: this load's now
  const add = () => {
    added = true;
    mark() || setMark(LOAD, "pushState");
  };
  if (navigator.userActivation?.hasBeenActive) add();
  else for (const type of ["pointerdown", "keydown"]) onPage(document, type, add, stops);
  onPage(
    window,
    "popstate",
    () => {
      if (!added || mark()) return;
      added = false;
      if (armed() && !api.back.giving) fire("back_button");
    },
    stops,
  );
  stops.push(() => mark() && giveBack()); // no longer needed
}

function watchPhone(trigger, fire, armed, stops) {
  const signals = new Set(trigger.phone_signals || []);
  if (signals.has("scroll_up")) watchScrollUp(fire, armed, stops);
  if (signals.has("back_button")) watchBackButton(fire, armed, stops);
  if (signals.has("tab_return")) {
    let left = false;
    onPage(
      document,
      "visibilitychange",
      () => {
        if (document.hidden) left = armed();
        else if (left) fire("tab_return");
      },
      stops,
    );
  }
  if (signals.has("inactivity")) {
    const idle = timer(stops);
    const restart = () => idle(() => fire("inactivity"), trigger.inactivity_seconds * 1000);
    for (const type of ACTIVITY) onPage(document, type, restart, stops);
    restart();
  }
}

/** Listen for `trigger` (a phone or a desktop); see the top of this file. The signal of a
 * time on page, a scroll depth or an idle cart is its kind. */
export function watch(trigger, phone, fire, onCartChange) {
  const stops = [];
  // Time on the page: since navigation started, not since this chunk loaded.
  const armed = () => performance.now() >= (trigger.min_seconds || 0) * 1000;
  const kind = trigger.kind;
  if (kind === "exit_intent") (phone ? watchPhone : watchDesktop)(trigger, fire, armed, stops);
  else if (kind === "time_on_page") timer(stops)(() => fire(kind), trigger.seconds * 1000 - performance.now());
  else if (kind === "scroll_depth")
    onPage(window, "scroll", () => scrolledPercent() >= trigger.percent && fire(kind), stops);
  else if (kind === "cart_idle") {
    // A cart left untouched for idle_minutes while the shopper is on the page.
    const idle = timer(stops);
    stops.push(onCartChange((cart) => idle(cart?.count && (() => fire(kind)), trigger.idle_minutes * 60000)));
  }
  return () => {
    for (const stop of stops.splice(0)) stop();
  };
}
