// Browser storage, touched as little as possible: each key is read once per page (when first
// needed, which is after the page's load unless the shopper acts first) and kept in memory;
// writes change that memory at once and reach the browser's storage together after the
// current task (or at pagehide: flushStorage). Another tab's write (the `storage` event)
// makes the next read go to storage again. Storage may be missing or throw on access (Safari
// private mode, sandboxed iframes, blocked cookies): that means "not stored".
export const LOCAL = "localStorage";
export const SESSION = "sessionStorage";

let memory = null; // area + " " + key -> string | null; null until first needed
let pending = {}; // the same -> [area, key, value | null], not yet written
let timer = 0;

/** storage[method](key, value) of `area`: its answer, or null when it is missing or throws. */
export function touch(area, method, key, value) {
  try {
    return globalThis[area][method](key, value) ?? null;
  } catch {
    return null;
  }
}

function remembered() {
  if (!memory) {
    memory = {};
    addEventListener("storage", () => {
      memory = {};
    });
  }
  return memory;
}

/** The string stored under `key` in `area` (LOCAL or SESSION), or null. */
export function getStored(area, key) {
  const name = `${area} ${key}`;
  if (!(name in remembered())) memory[name] = pending[name] ? pending[name][2] : touch(area, "getItem", key);
  return memory[name];
}

/** Store `value` (null or undefined removes the key); written after this task. */
export function setStored(area, key, value) {
  const name = `${area} ${key}`;
  remembered()[name] = value = value == null ? null : String(value);
  pending[name] = [area, key, value];
  timer ||= setTimeout(flushStorage);
}

/** Write what is pending now (the page is being hidden or left). */
export function flushStorage() {
  clearTimeout(timer);
  timer = 0;
  for (const [area, key, value] of Object.values(pending)) {
    touch(area, value === null ? "removeItem" : "setItem", key, value);
  }
  pending = {};
}
