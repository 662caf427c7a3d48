// A place for the trust badges of `placement` ("drawer": under the cart's totals; "checkout":
// beside the pay button), its height reserved (BADGES_HEIGHT) so that nothing moves when they
// arrive. The badges chunk is loaded, and fills it, the first time it is on screen.
import { FEATURE_BADGES } from "../constants.js";
import { h } from "./dom.js";
import { api } from "./env.js";

/** {el, show()} for `placement`, or null when the store shows no badges there. */
export function badgeSlot(placement) {
  if (!api.config.trust?.placements?.[placement]?.length) return null;
  const el = h("div", { class: "kc-badges" });
  let asked = false;
  return {
    el,
    show() {
      if (asked) return;
      asked = true;
      api.loadChunk(FEATURE_BADGES).then((badges) => badges?.render(placement, el));
    },
  };
}
