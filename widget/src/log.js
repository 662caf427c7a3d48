// Console output, at most once per kind of problem, and small shared helpers.
import { LOG_PREFIX } from "./constants.js";

const warned = new Set();

/** console.warn("[keepcart] " + message, detail?) once per `kind`; never throws. */
export function warn(kind, message, ...detail) {
  if (warned.has(kind)) return;
  warned.add(kind);
  try {
    console.warn(`${LOG_PREFIX} ${message}`, ...detail);
  } catch {}
}

/** `value` as a string of at most `max` UTF-16 units, never ending in half a surrogate pair. */
export function cut(value, max) {
  const text = String(value).slice(0, max);
  return /[\ud800-\udbff]$/.test(text) ? text.slice(0, -1) : text;
}

export const has = (object, key) => Object.hasOwn(object, key);
