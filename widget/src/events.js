// Event batching: events wait in memory and leave at most every FLUSH_MS, when a batch
// fills, or (by sendBeacon) when the page is hidden or left. Every request body stays
// within the server's limits of MAX_BATCH_EVENTS events and MAX_BATCH_BYTES bytes.
// Ids are added when a batch is sent, so consent given meanwhile already counts.
import { FLUSH_MS, MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from "./constants.js";
import { CONTENT_TYPE, makeEvent } from "./event.js";
import { ids } from "./identity.js";
import { warn } from "./log.js";

const PENDING = 0; // config on its way: only beacon flushes send
const ON = 1;
const OFF = 2; // no config: nothing is recorded or sent

// Browsers refuse keepalive requests beyond 64 KB of bodies in flight per page; stay under.
const KEEPALIVE_BYTES = 60000;

const encoder = new TextEncoder();
const size = (text) => encoder.encode(text).length;

let state = PENDING;
let queue = [];
let maxEvents = MAX_BATCH_EVENTS;
let timer = 0;
let inflight = 0; // bytes of keepalive fetches not yet answered
let endpoint;
let head; // '{"store":"pk_…","events":['
let onRecord;

/** Where and for which store to send; `log` sees every recorded event (debug output). */
export function initEvents(store, url, log) {
  head = `{"store":${JSON.stringify(store)},"events":[`;
  endpoint = url;
  onRecord = log;
}

function schedule() {
  if (queue.length >= maxEvents) flush();
  else timer ||= setTimeout(flush, FLUSH_MS);
}

function send(body, beacon) {
  try {
    if (beacon && navigator.sendBeacon(endpoint, new Blob([body], { type: CONTENT_TYPE }))) return;
  } catch {}
  const bytes = size(body);
  const keepalive = inflight + bytes <= KEEPALIVE_BYTES;
  if (keepalive) inflight += bytes;
  fetch(endpoint, {
    method: "POST",
    body,
    keepalive,
    credentials: "omit",
    headers: { "Content-Type": CONTENT_TYPE },
  })
    .then((response) => response.ok || Promise.reject(response.status))
    .catch((status) => warn("send", "events were not accepted", status))
    .finally(() => {
      if (keepalive) inflight -= bytes;
    });
}

/**
 * Send what is queued, in requests of at most maxEvents events and MAX_BATCH_BYTES bytes.
 * Timed flushes wait until the config has loaded; a beacon flush (page hidden or left)
 * also goes out while the config is still on its way.
 */
export function flush(beacon) {
  beacon = beacon === true; // setTimeout may pass an argument
  clearTimeout(timer);
  timer = 0;
  if (state === OFF || (state === PENDING && !beacon)) return;
  const overhead = size(head) + 1; // head + "]}" - the last event's ","
  let parts = [];
  let bytes = overhead;
  for (const event of queue.splice(0)) {
    const json = JSON.stringify({ ...event, ...ids() });
    const length = size(json) + 1; // with its ","
    if (overhead + length > MAX_BATCH_BYTES) {
      warn("size", `an event over ${MAX_BATCH_BYTES} bytes was dropped`);
      continue;
    }
    if (parts.length === maxEvents || bytes + length > MAX_BATCH_BYTES) {
      send(`${head}${parts}]}`, beacon);
      parts = [];
      bytes = overhead;
    }
    parts.push(json);
    bytes += length;
  }
  if (parts.length) send(`${head}${parts}]}`, beacon);
}

/**
 * Queue an event; false when it was refused (no name, or events are off). `at` (ms since the
 * epoch): when it happened, if not now (the page view, noted by the first stage).
 */
export function record(type, name, props, at) {
  const event = makeEvent(type, name, props, at);
  if (state === OFF || !event) return false;
  queue.push(event);
  onRecord(event);
  if (state === ON) schedule();
  return true;
}

/** The config loaded: start sending, at most `max` events per request. */
export function startEvents(max) {
  state = ON;
  if (max >= 1 && max < MAX_BATCH_EVENTS) maxEvents = Math.floor(max);
  if (queue.length) schedule();
}

/** Keepcart is off on this page: drop everything, record nothing more. */
export function stopEvents() {
  state = OFF;
  queue = [];
  clearTimeout(timer);
}
