// When a survey's page moment comes. The offers' four (exit intent, time on page, scroll
// depth, a cart left idle) are the offers' own triggers (../offers/triggers.js) with the
// survey's timing; the cart drawer closed with items in the cart (none added while it was open:
// a drawer opened on an add closes as the shopper goes on shopping) and checkout left are the
// checkout's `checkout:close`, a task later: the drawer also closes to open the checkout, and
// by then that dialog is open (and an open dialog stops any interruption).
import { EV_CHECKOUT_CLOSE, EV_CHECKOUT_OPEN } from "../constants.js";
import { watch } from "../offers/triggers.js";
import { closedMoment } from "./rules.js";

/**
 * Listen for `moment` with the survey's `trigger`; `fire(signal)` when it comes. `count()`:
 * the cart's item count now. Returns stop().
 */
export function watchMoment(api, moment, trigger, phone, fire, onCartChange, count) {
  if (!/^(drawer_close|checkout_exit)$/.test(moment))
    return watch({ ...trigger, kind: moment }, phone, fire, onCartChange);
  let atOpen = null; // the item count when the drawer opened
  const opened = (detail) => {
    if (detail?.view === "cart") atOpen = count();
  };
  const closed = (detail) => {
    if (closedMoment(detail, count(), atOpen) === moment) setTimeout(() => fire(moment));
    if (detail?.view === "cart") atOpen = null;
  };
  api.on(EV_CHECKOUT_OPEN, opened);
  api.on(EV_CHECKOUT_CLOSE, closed);
  return () => {
    api.off(EV_CHECKOUT_OPEN, opened);
    api.off(EV_CHECKOUT_CLOSE, closed);
  };
}
