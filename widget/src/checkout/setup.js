// What the checkout form needs from the store (GET /v1/stores/{key}/checkout): currency,
// locale, countries and their address formats, phone policy, payment methods. Loaded once.
import { PATH_CHECKOUT_SETUP, PATH_CONFIG } from "../constants.js";
import { api } from "./env.js";

let loading = null;

/** Resolves to the setup, or rejects (a failed load is retried on the next call). */
export function loadSetup() {
  loading ||= api
    .request(`${PATH_CONFIG}${encodeURIComponent(api.store)}${PATH_CHECKOUT_SETUP}`)
    .then((setup) => {
      if (!Array.isArray(setup?.countries) || !Array.isArray(setup.payment_methods)) throw new Error("bad setup");
      return setup;
    })
    .catch((error) => {
      loading = null;
      throw error;
    });
  return loading;
}
