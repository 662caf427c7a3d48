// The offers feature chunk: exit-intent (and other) campaigns from config.offers. The loader
// imports it, when the page is idle, only on pages where a campaign's URL patterns match (or
// on the admin's preview page); when every campaign needs a cart, only once the visitor has
// one (then at once, on the cart's first change with items: followCart() reads its count).
// On mount it watches each campaign's trigger (./offers/triggers.js) and fetches this
// visitor's arm of every campaign that may still show here: data only, no UI is built ahead. When a trigger fires and the campaign is still
// eligible (targeting, frequency, the shared interruption budget: ../interruptions.js) the
// variant's dialog is built and opened (its styles adopted then too), and the exposure is
// recorded, for the holdout as well. The surveys chunk has it show a survey answer's remedy
// (showRemedy): an arm the server chose and recorded with the answer.
//
// Debug mode (?keepcart_debug=exit, or exit:A, exit:B, exit:holdout; or keepcart('debug', …)):
// the page's first campaign shows at once, as the chosen arm (else the visitor's own), with a
// small notice for the holdout, and nothing is recorded: no exposure, no offer events sent, no
// budget or dismissal remembered, and claiming is a preview that issues no code.

import { h } from "../checkout/dom.js";
import { api, safe, setApi } from "../checkout/env.js";
import { itemCount, money } from "../checkout/format.js";
import { breathe } from "../chunks.js";
import {
  CART_KEY,
  DEBUG_EXIT,
  DEBUG_PARAM,
  EV_CART_CHANGE,
  EV_DEBUG,
  EV_OFFER_CLAIMED,
  EV_OFFER_DISMISSED,
  EV_OFFER_SHOWN,
  EV_OFFER_TRIGGER,
  EV_ORDER_COMPLETE,
  EV_SURVEY_TRIGGER,
  FEATURE_CHECKOUT,
  OFFER_PREVIEW_ID,
  PATH_OFFERS,
  SOURCE_KEY,
  TYPE_OFFER,
  VISITS_KEY,
} from "../constants.js";
import {
  budgetAllows,
  itemMemory,
  overlayOpen,
  readMemory,
  sessionOf,
  spendBudget,
  str,
  updateMemory,
} from "../interruptions.js";
import { offerPopup } from "../offers/popup.js";
import { frequencyAllows, pageAllows, targetingAllows } from "../offers/rules.js";
import { brandCss, STYLES } from "../offers/styles.js";
import { dropStaleEntry, watch } from "../offers/triggers.js";
import { offerVisitor } from "../visitor.js";

const LOCAL = "localStorage";
const SESSION = "sessionStorage";
const CART_TOKEN = /^[\w.-]{8,500}$/;
const PHONE = "(hover: none) and (pointer: coarse)";

let brand; // the adopted sheet holding each variant's colour, once a dialog is built
let cart = { count: 0, subtotal: 0, currency: "" };
const cartListeners = new Set();
const campaigns = []; // {campaign, arm: answer | undefined, popup, stop()}
let showing = null;
let visit = { visits: 1, utm: "" };
let debugging = false;

const format = () => ({ currency: api.config.store?.currency || "EUR", locale: api.config.store?.locale || undefined });
const isPhone = () => matchMedia(PHONE).matches;

function report(name, detail) {
  if (debugging) return api.emit(name, { ...detail, debug: true });
  api.track(name, detail, TYPE_OFFER);
  api.emit(name, detail);
}

// A string body goes as text/plain;charset=UTF-8 (fetch's own type for it): a simple
// request, so no preflight.
const post = (id, what, body) =>
  api.request(`${PATH_OFFERS}${encodeURIComponent(id)}/${what}`, {
    method: "POST",
    body: JSON.stringify({ store: api.store, ...body }),
  });

function cartToken() {
  const token = api.storage.get(LOCAL, CART_KEY);
  return CART_TOKEN.test(token) ? token : null;
}

function setCart(detail) {
  cart = { count: detail?.count || 0, subtotal: detail?.subtotal || 0, currency: detail?.currency || "" };
  for (const fn of cartListeners) fn(cart);
}

const onCartChange = (fn) => {
  cartListeners.add(fn);
  fn(cart);
  return () => cartListeners.delete(fn);
};

const budget = () => budgetAllows(api, api.config.offers?.interruptions_per_week ?? 2);

/** Everything but the trigger: the shared budget, the campaign's frequency, its targeting. */
function eligible(entry) {
  const memory = readMemory(api);
  const item = itemMemory(memory, entry.campaign.id);
  const visitor = { cart, device: isPhone() ? "phone" : "desktop", ...visit };
  return (
    budget() &&
    frequencyAllows(entry.campaign.frequency, item, sessionOf(api), Date.now()) &&
    targetingAllows(entry.campaign.targeting, visitor)
  );
}

const stopAll = () => {
  for (const entry of campaigns) entry.stop();
};

/** A trigger fired for `entry`: record the exposure and show the variant (not the holdout). */
const fire = safe((entry, signal) => {
  const answer = entry.arm;
  if (showing || !answer || !(debugging || eligible(entry))) return;
  const id = entry.campaign.id;
  // The dialog first (the shopper is leaving), the bookkeeping after.
  if (answer.variant) present(entry);
  else if (debugging) {
    // The holdout otherwise sees nothing: in debug mode, a status line says so (no dialog).
    const close = h("button", { type: "button", onclick: () => note.remove() }, "Close");
    const note = h(
      "p",
      { class: "kco-dbg", role: "status" },
      "Keepcart debug · holdout: nothing would show to this visitor",
      close,
    );
    styles();
    api.root.append(note);
  }
  stopAll();
  report(EV_OFFER_TRIGGER, { campaign: id, signal, arm: answer.arm });
  if (!debugging) {
    // One interruption per session: nothing else watches once one has happened.
    spendBudget(api, id);
    // A claim needs the exposure on the server first: claim() waits for this.
    entry.exposed = post(id, "exposures", { visitor: offerVisitor(api), session: api.ids().session_id, signal }).catch(
      (error) => api.warn("exposure", "the offer's exposure was not recorded", error),
    );
  }
  // The holdout sees nothing; its exposure counts all the same.
  if (entry.popup) report(EV_OFFER_SHOWN, { campaign: id, arm: answer.arm });
});

/** Build (once) and open `entry`'s variant dialog. */
function present(entry) {
  entry.popup ||= build(entry);
  showing = entry;
  entry.popup.open();
}

/**
 * A survey answer's remedy (the surveys chunk: {campaign, arm, variant}), shown now in the
 * survey's place: the server picked the arm and recorded the exposure with the answer (so
 * there is none to wait for), and the surveys chunk counted it; claiming is as ever.
 */
export const showRemedy = safe((remedy) => present({ campaign: { id: remedy.campaign }, index: "r", arm: remedy }));

function closed(entry, how) {
  showing = null;
  entry.popup.stop();
  if (!how || entry.claimed || debugging) return;
  const id = entry.campaign.id;
  updateMemory(api, (memory) => {
    memory.items[id] = { ...itemMemory(memory, id), dismissed: Date.now() };
  });
  report(EV_OFFER_DISMISSED, { campaign: id, arm: entry.arm.arm, how });
}

async function claim(entry, fields) {
  if (debugging) return { debug: true }; // a preview: no code, nothing written
  const id = entry.campaign.id;
  const body = { visitor: offerVisitor(api), session: api.ids().session_id, cart: cartToken(), ...fields };
  await entry.exposed;
  const answer = await post(id, "claim", body);
  entry.claimed = true;
  if (answer?.cart_token) {
    // The coupon is on the cart now: the cart drawer (the checkout chunk) takes it over.
    const checkout = await api.loadChunk(FEATURE_CHECKOUT);
    checkout?.adoptCart?.(answer.cart_token, answer.cart, body.cart); // (not if that cart is gone)
  }
  report(EV_OFFER_CLAIMED, { campaign: id, arm: entry.arm.arm });
  return answer;
}

function viewCart(dialog) {
  dialog.close();
  api.loadChunk(FEATURE_CHECKOUT).then((checkout) => checkout?.open());
}

function reminder() {
  if (!cart.count) return "";
  const total = money(cart.subtotal, cart.currency || format().currency, format().locale);
  return `Your cart has ${itemCount(cart.count)} (${total}).`;
}

/** The offers' styles, adopted with the first dialog; returns the brand colour sheet. */
function styles() {
  if (!brand) {
    api.adopt(STYLES);
    brand = api.adopt("");
  }
  return brand;
}

/** The dialog for `variant` as `className` (its brand colour a rule of its own): offerPopup()'s. */
function popupFor(variant, className, options) {
  styles().insertRule(brandCss(variant.brand_colour, className), brand.cssRules.length);
  return offerPopup({ variant, className, ...options }); // open() puts it in the shadow root
}

/** The variant's dialog, built when its trigger fires. */
const build = (entry) =>
  popupFor(entry.arm.variant, `kco-${entry.index}`, {
    format: format(),
    claim: (fields) => claim(entry, fields),
    reminder,
    viewCart,
    onClose: (how) => closed(entry, how),
  });

function armUrl(entry, arm) {
  const query = new URLSearchParams({ visitor: offerVisitor(api), store: api.store });
  if (arm) query.set("arm", arm);
  return `${PATH_OFFERS}${encodeURIComponent(entry.campaign.id)}/arm?${query}`;
}

/** This visitor's arm of the campaign (debug mode: the chosen `arm`, shown as entry "d"). */
async function fetchArm(entry, arm) {
  try {
    entry.arm = await api.request(armUrl(entry, arm));
    if (arm) entry.index = "d";
  } catch (error) {
    entry.stop();
    entry.arm = null;
    if (arm || error.status !== 404) api.warn("arm", "an offer could not be loaded", error);
  }
}

/** "exit" → "" (the visitor's own arm), "exit:B" → "B"; undefined when exit isn't named. */
function debugArm(what) {
  for (const flag of String(what).split(",")) {
    const [name, arm = ""] = flag.trim().split(":");
    if (name === DEBUG_EXIT) return arm;
  }
}

/** Debug mode: fire the page's first campaign now, as `arm` (else the visitor's own). */
async function fireDebug(arm) {
  const entry = campaigns.find((each) => each.arm);
  if (!entry || showing) return;
  if (arm) {
    entry.popup?.el.remove(); // the chosen arm replaces the visitor's own
    entry.popup = null;
    await fetchArm(entry, arm);
  }
  fire(entry, "debug");
}

// Visits and the session's UTM source, for targeting, as the loader counts them on every page
// (../identity.js). Without consent nothing is stored for them: every visit is a first visit,
// with the source in this page's URL.
function rememberVisit() {
  const consented = api.consented();
  const utm =
    new URLSearchParams(location.search).get("utm_source") || (consented && api.storage.get(SESSION, SOURCE_KEY));
  const visits = consented && +api.storage.get(LOCAL, VISITS_KEY);
  return { visits: Math.max(1, visits || 0), utm: str(utm) };
}

function followCart() {
  api.on(EV_CART_CHANGE, setCart);
  api.on(EV_ORDER_COMPLETE, () => {
    const session = sessionOf(api);
    updateMemory(api, (memory) => {
      memory.bought = session;
      for (const item of Object.values(memory.items)) if (item.n) item.converted = true;
    });
    stopAll();
  });
  // One interruption per session: once a survey has shown, no campaign watches. At once: the
  // survey's watches may have given back the back button's history entry, and a watch here
  // would take that step back for the shopper's Back.
  api.on(EV_SURVEY_TRIGGER, stopAll);
  // A returning shopper's cart: its count and subtotal, for targeting.
  if (cartToken()) {
    api
      .loadChunk(FEATURE_CHECKOUT)
      .then((checkout) => checkout?.currentCart?.())
      .then((current) => current && setCart({ ...current, count: current.item_count }))
      .catch(() => {});
  }
}

function startCampaigns() {
  visit = rememberVisit();
  const memory = readMemory(api);
  followCart();
  const phone = isPhone();
  // Nothing else may interrupt this session: nothing to watch. (A dialog open now, such as the
  // cart drawer the first add opened, is no such reason.) Not watching at all, rather than
  // stopping at once: a stop gives back the back button's history entry, which a survey still
  // watching it would take for the shopper's Back. An entry an earlier load of this page added
  // that no watch took over is given back all the same (dropStaleEntry: a survey's watch that
  // took it over has marked it this load's).
  const allowed = budget() || overlayOpen(); // the budget looks for an open overlay too
  const all = Array.isArray(api.config.offers?.campaigns) ? api.config.offers.campaigns : [];
  for (const campaign of all) {
    if (typeof campaign?.id !== "string" || !pageAllows(campaign.pages, location.href)) continue;
    const entry = { campaign, index: campaigns.length, stop: () => {} }; // arm, popup: to come
    campaigns.push(entry);
    const devices = campaign.targeting?.devices;
    const mayShow =
      frequencyAllows(campaign.frequency, itemMemory(memory, campaign.id), sessionOf(api), Date.now()) &&
      (!Array.isArray(devices) || devices.includes(phone ? "phone" : "desktop"));
    if (allowed && mayShow && campaign.trigger)
      entry.stop = watch(campaign.trigger, phone, (signal) => fire(entry, signal), onCartChange);
  }
  dropStaleEntry();
  // The arms' requests in a task of their own: with the memory's first read and the watches'
  // listeners, a first fetch() made this task a long one on the host-page bench.
  const armed = breathe().then(() => Promise.all(campaigns.map((entry) => fetchArm(entry))));
  const debug = (arm) => {
    if (arm == null) return;
    // Debug mode from now on: no trigger watched, so nothing real shows or counts while the
    // chosen arm loads.
    debugging = true;
    stopAll();
    armed.then(() => fireDebug(arm));
  };
  api.on(EV_DEBUG, (what) => debug(debugArm(what)));
  // ?keepcart_debug=exit[:arm] in the URL, or keepcart('debug', 'exit') before this chunk
  // loaded (that flag named itself: "all" alone is not debug mode, api.debug(other) is false).
  debug(
    debugArm(new URLSearchParams(location.search).get(DEBUG_PARAM)) ??
      (api.debug(DEBUG_EXIT) && !api.debug("\0") ? "" : null),
  );
}

/**
 * The admin's live preview: render the given variant now; claiming is turned off. A preview
 * without a variant is another feature's (the Trust page's badges): no offer shows there.
 */
function showPreview(element) {
  let data;
  try {
    data = JSON.parse(element.textContent);
  } catch {}
  if (data && typeof data === "object" && !("variant" in data)) return;
  if (!data?.variant || typeof data.variant !== "object")
    return api.warn("preview", "the offer preview has no variant");
  // Nothing to do as it closes: with claiming off, no coupon's countdown ever started.
  popupFor(data.variant, "kco-0", {
    format: { currency: data.currency || format().currency, locale: data.locale || format().locale },
    preview: true, // claiming (and so viewing the cart) is off
    reminder: () => "",
  }).open();
}

export function mount(loaderApi) {
  setApi(loaderApi);
  const preview = document.getElementById(OFFER_PREVIEW_ID);
  if (preview) showPreview(preview);
  else startCampaigns();
}
