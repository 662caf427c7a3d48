// A place for the trust badges of `placement` ("drawer": under the cart's totals; "checkout":
// beside the pay button), its height reserved (BADGES_HEIGHT) so that nothing moves when they
// arrive. The badges chunk is loaded, and fills it, the first time it is on screen. Inside the
// checkout form, the badges speak of the shipping country the shopper chose there (the
// delivery promise and free shipping of its zone), drawn again when they change it.
import { heldOut } from "../badges/holdout.js";
import { ELEMENT_BADGES, FEATURE_BADGES } from "../constants.js";
import { offerVisitor } from "../visitor.js";
import { h, listen } from "./dom.js";
import { api } from "./env.js";

const SECURE = "secure"; // the badge kind that needs HTTPS on both ends

/**
 * {el, show()} for `placement`, or null when no badge can show there to this shopper (the
 * server lists only kinds whose fact holds; secure checkout also needs both ends on HTTPS;
 * a held-out visitor sees none): no empty room is kept.
 */
export function badgeSlot(placement) {
  const trust = api.config.trust;
  const https = location.protocol === "https:" && api.origin.startsWith("https:");
  const kinds = (trust?.placements?.[placement] || []).filter((kind) => https || kind !== SECURE);
  if (!kinds.length || heldOut(ELEMENT_BADGES, offerVisitor(api), trust.holdout)) return null;
  const el = h("div", { class: "kc-badges" });
  let asked = false;
  return {
    el,
    show() {
      if (asked) return;
      asked = true;
      api.loadChunk(FEATURE_BADGES).then((badges) => {
        // The form's country select (address.js names it "country"); the drawer has none.
        const country = el.closest("form")?.elements.namedItem("country");
        const draw = () => badges?.render(placement, el, country?.value);
        draw();
        if (country) listen(country, "change", draw);
      });
    },
  };
}
