// A tiny emitter for merchants' callbacks (keepcart('on', name, fn)) and feature chunks.
// Each event is also dispatched on `document` as a CustomEvent named "keepcart:" + name.
import { DOM_EVENT_PREFIX, EV_READY } from "./constants.js";
import { warn } from "./log.js";

const listeners = new Map();
let ready; // the "ready" detail, replayed to listeners added later

function call(name, fn, detail) {
  try {
    fn(detail);
  } catch (error) {
    warn(`callback:${name}`, `a "${name}" callback threw`, error);
  }
}

export function off(name, fn) {
  listeners.get(name)?.delete(fn);
}

/** Call fn(detail) on each `name` event; returns a function that unsubscribes. */
export function on(name, fn) {
  if (typeof fn === "function") {
    if (!listeners.has(name)) listeners.set(name, new Set());
    listeners.get(name).add(fn);
    if (name === EV_READY && ready) call(name, fn, ready);
  }
  return () => off(name, fn);
}

export function emit(name, detail) {
  if (name === EV_READY) ready = detail;
  for (const fn of [...(listeners.get(name) || [])]) call(name, fn, detail);
  try {
    document.dispatchEvent(new CustomEvent(DOM_EVENT_PREFIX + name, { detail }));
  } catch {}
}
