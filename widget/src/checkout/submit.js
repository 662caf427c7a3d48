// Placing the order: POST /v1/checkout with an Idempotency-Key. A key belongs to one payload:
// a retry of the same payload after a network failure (or a server error) reuses it, so the
// server answers with the order it already made instead of making a second one; a changed
// payload, or a retry after a definite answer (declined, invalid…), gets a fresh key.
import { PATH_CHECKOUT } from "../constants.js";
import { api } from "./env.js";

const IN_PROGRESS_RETRIES = 10;

let lastPayload = null;
let lastKey = null;

function newKey() {
  let key = "kc_";
  for (const byte of crypto.getRandomValues(new Uint8Array(16))) key += (byte + 256).toString(16).slice(1);
  return key;
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A failure after which the server may or may not have made the order. */
export const isUncertain = (error) => !error?.status || error.status >= 500;

/** Resolves to the server's answer ({order}); rejects with the request's error. */
export async function placeOrder(payload) {
  const text = JSON.stringify(payload);
  if (text !== lastPayload) {
    lastPayload = text;
    lastKey = newKey();
  }
  const key = lastKey;
  for (let attempt = 0; ; attempt++) {
    try {
      const answer = await api.request(PATH_CHECKOUT, {
        method: "POST",
        body: payload,
        headers: { "Idempotency-Key": key },
      });
      if (!answer?.order) throw new Error("no order in the answer");
      lastPayload = lastKey = null;
      return answer;
    } catch (error) {
      // The same key is still being worked on (a double click, a retry): wait for it.
      if (error.code === "in_progress" && attempt < IN_PROGRESS_RETRIES) {
        await wait(1000);
        continue;
      }
      if (!isUncertain(error)) lastPayload = lastKey = null;
      throw error;
    }
  }
}
