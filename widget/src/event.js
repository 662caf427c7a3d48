// One event as the server's ingest accepts it (server/events/service.py): both the loader's
// batches (events.js) and keepcart.js's first stage (a page left before the loader started)
// build their events here.
import { EVENT_TYPES, MAX_NAME, MAX_PROP_KEY, MAX_PROP_STRING, MAX_PROPS, MAX_URL, TYPE_CUSTOM } from "./constants.js";
import { cut, warn } from "./log.js";

export const CONTENT_TYPE = "text/plain;charset=UTF-8"; // a "simple" request: no CORS preflight

/** A flat object of strings, finite numbers, booleans and nulls, as the server accepts. */
function cleanProps(props) {
  const clean = {};
  let count = 0;
  if (props && typeof props === "object" && !Array.isArray(props)) {
    for (const key of Object.keys(props)) {
      let value = props[key];
      const type = typeof value;
      if (type === "string") value = cut(value, MAX_PROP_STRING);
      else if (type === "number" && !Number.isFinite(value)) value = null;
      if (value === undefined) continue;
      if (
        key.length > MAX_PROP_KEY ||
        count === MAX_PROPS ||
        !(value === null || ["string", "number", "boolean"].includes(typeof value))
      ) {
        warn("props", "props dropped: too many, too long or not a string, number or boolean");
        continue;
      }
      clean[key] = value;
      count++;
    }
  }
  return clean;
}

/**
 * The event (without ids: they are added as it leaves), or null when it has no name. `at`
 * (ms since the epoch): when it happened, if not now.
 */
export function makeEvent(type, name, props, at) {
  name = cut(name ?? "", MAX_NAME);
  if (!name) {
    warn("name", "an event needs a name");
    return null;
  }
  return {
    type: EVENT_TYPES.includes(type) ? type : TYPE_CUSTOM,
    name,
    occurred_at: at ?? Date.now(),
    url: cut(location.href, MAX_URL),
    referrer: cut(document.referrer, MAX_URL),
    props: cleanProps(props),
  };
}
