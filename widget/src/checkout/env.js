// The loader's api (see widget/README.md), shared by the feature chunks' modules once a
// chunk's mount() ran, with what only the chunks need (so the loader does not carry it):
// `root`, the shared shadow root; `adopt(css)`.
import { adopt, getRoot } from "../host.js";

export let api;

export const setApi = (value) => {
  api = {
    get root() {
      return getRoot();
    },
    adopt: (css) => adopt(getRoot(), css),
    ...value,
  };
};

const report = (error) => api?.warn("checkout", "the checkout hit a problem", error);

/** `fn` wrapped so that nothing it throws or rejects with reaches the host page. */
export const safe =
  (fn) =>
  (...args) => {
    try {
      const result = fn(...args);
      return result?.catch ? result.catch(report) : result;
    } catch (error) {
      report(error);
    }
  };

/** The store's locale (from the config; the checkout setup may refine it). */
export const storeLocale = () => api.config.store?.locale || undefined;
