// Placing the order: POST /v1/checkout with an Idempotency-Key. A key belongs to one payload:
// every retry of the same payload reuses it, so the server answers with the order it already
// made instead of making a second one; a changed payload, or a retry after a definite answer
// (declined, invalid…), gets a fresh key. When the shop is busy (503, with Retry-After),
// unreachable (the request may or may not have arrived), or still placing this key (409
// in_progress), the same request is sent again after a pause, a few times.
import { PATH_CHECKOUT } from "../constants.js";
import { api } from "./env.js";

const ATTEMPTS = 4; // the first and three retries: about 3 to 7 seconds of waiting in all
const PAUSE_MS = 1000; // before the first retry when the server didn't say (doubles after)
const MAX_PAUSE_MS = 10000;

let lastPayload = null;
let lastKey = null;

function newKey() {
  let key = "kc_";
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) key += (byte + 256).toString(16).slice(1);
  return key;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failure after which the server may or may not have made the order. */
export const isUncertain = (error) => !error?.status || error.status >= 500 || error.code === "in_progress";

/** Worth sending again by itself: the shop was busy or unreachable, or is still placing it. */
const isPassing = (error) => !error.status || [502, 503, 504].includes(error.status) || error.code === "in_progress";

/** How long to wait before attempt `attempt` + 1: the server's Retry-After, else backing off. */
function pause(error, attempt) {
  const seconds = Number(error.retryAfter ?? NaN); // (an HTTP-date form is not worth the bytes)
  return Math.min(MAX_PAUSE_MS, seconds >= 0 ? seconds * 1000 : PAUSE_MS * 2 ** (attempt - 1));
}

// api.request, plus the Retry-After header (the shop must expose it to read it cross-origin).
// Only checkout needs it: the loader's api.request, on every page, does without.
async function post(payload, key) {
  const response = await fetch(api.origin + PATH_CHECKOUT, {
    method: "POST",
    body: JSON.stringify(payload),
    headers: { "Content-Type": "application/json", "Idempotency-Key": key },
    credentials: "omit",
    mode: "cors",
  });
  const data = await response.json().catch(() => null);
  if (response.ok) return data;
  const { message = `HTTP ${response.status}`, ...error } = data?.error || {};
  const retryAfter = response.headers.get("Retry-After");
  throw Object.assign(new Error(message), error, { status: response.status, retryAfter, body: data });
}

/**
 * Resolves to the server's answer ({order}); rejects with the last request's error.
 * `onRetry()` runs before each automatic retry (to tell the shopper it is still going on).
 */
export async function placeOrder(payload, onRetry) {
  // The visitor id stays out of the comparison, as it does of the server's: consenting
  // between a failed request and its retry changes it, and nothing about the order.
  const text = JSON.stringify({ ...payload, visitor: null });
  if (text !== lastPayload) {
    lastPayload = text;
    lastKey = newKey();
  }
  const key = lastKey;
  for (let attempt = 1; ; attempt++) {
    try {
      const answer = await post(payload, key);
      if (!answer?.order) throw new Error("no order in the answer");
      lastPayload = lastKey = null;
      return answer;
    } catch (error) {
      if (isPassing(error) && attempt < ATTEMPTS) {
        onRetry();
        await wait(pause(error, attempt));
        continue;
      }
      if (!isUncertain(error)) lastPayload = lastKey = null;
      throw error;
    }
  }
}
