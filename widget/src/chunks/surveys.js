// The surveys feature chunk: quick feedback surveys from config.surveys (server/surveys). The
// loader imports it when idle where a survey's pages match (once the visitor has a cart, when
// every survey needs one), and on the admin's preview page. Like every chunk it is one file
// (build.mjs): what it reuses (the offers' triggers and targeting, the interruption budget,
// the checkout's dialog) is in it, and it talks to the other chunks only through the
// interruption memory, the emitter and api.loadChunk().
//
// On mount, for each survey that may show here it watches the survey's page moments
// (../surveys/moments.js) and asks the server whether this visitor is due it (GET …/state,
// which records nothing, with the questions). When a moment comes, the survey shows only if
// the server said so and the shared budget (../interruptions.js), its recontact rule and the
// store's gap between surveys (../surveys/rules.js) and its targeting all agree; showing it
// makes the response (POST …/responses) and each answer is saved as it is given. A response
// left open (the page went away mid-survey, not dismissed) re-opens once in the same session,
// at its next moment, where it stopped, without spending the budget again.
//
// Priority: with "surveys", a survey due here that shares a moment with a running offer holds
// the budget for the session (memory.held), so the offer doesn't fire; with "offers" (the
// default) the survey waits for such an offer's return delay, then yields if it fired. An
// answer with a remedy (the server picked the arm and recorded the exposure) closes the
// survey and the offers chunk shows the offer (showRemedy): the same interruption, continued.
//
// After an order, the confirmation surveys fill the checkout confirmation's slot inline, one
// after the other; they neither check nor spend the budget (the server keeps one response per
// order). Debug mode (?keepcart_debug=survey, or survey:srv_…; or keepcart('debug', …)) shows
// the page's first survey (or that one) at once, and the admin's preview its survey: nothing
// is recorded, answers are not sent, and the events carry debug: true.
import { api, safe, setApi } from "../checkout/env.js";
import {
  ATTR_SURVEY_SLOT,
  CART_KEY,
  DEBUG_PARAM,
  DEBUG_SURVEY,
  EV_CART_CHANGE,
  EV_DEBUG,
  EV_OFFER_TRIGGER,
  EV_ORDER_COMPLETE,
  EV_SURVEY_ANSWERED,
  EV_SURVEY_COMPLETED,
  EV_SURVEY_DISMISSED,
  EV_SURVEY_REMEDY,
  EV_SURVEY_SHOWN,
  EV_SURVEY_TRIGGER,
  FEATURE_CHECKOUT,
  FEATURE_OFFERS,
  OFFER_PREVIEW_ID,
  PATH_SURVEYS,
  SOURCE_KEY,
  TYPE_SURVEY,
  VISITS_KEY,
} from "../constants.js";
import {
  budgetAllows,
  itemMemory,
  overlayOpen,
  readMemory,
  sessionOf,
  spendBudget,
  updateMemory,
} from "../interruptions.js";
import { pageAllows, targetingAllows } from "../offers/rules.js";
import { dropStaleEntry } from "../offers/triggers.js";
import { surveyForm } from "../surveys/form.js";
import { watchMoment } from "../surveys/moments.js";
import { gapAllows, nextQuestion, recontactAllows } from "../surveys/rules.js";
import { STYLES } from "../surveys/styles.js";
import { offerVisitor } from "../visitor.js";

const LOCAL = "localStorage";
const PHONE = "(hover: none) and (pointer: coarse)";
const CONFIRMATION = "confirmation";
const NOT_SAVED = "Preview: answers are not saved.";

const entries = []; // {survey: its config entry, state: the state endpoint's answer, stops}
const cartListeners = new Set();
let cart = { count: 0, subtotal: 0 };
let showing = null;
let debugging = false;
let styled = false;

const settings = () => api.config.surveys || {};
/** The surveys' stylesheet, adopted with the first survey shown. */
const adoptStyles = () => {
  if (!styled) api.adopt(STYLES);
  styled = true;
};
const device = () => (matchMedia(PHONE).matches ? "phone" : "desktop");
const at = (id, rest) => `${PATH_SURVEYS}${encodeURIComponent(id)}/${rest}`;
// A string body goes as text/plain;charset=UTF-8 (fetch's own type for it): a simple request,
// so no preflight.
const post = (id, rest, body) =>
  api.request(at(id, rest), { method: "POST", body: JSON.stringify({ store: api.store, ...body }) });

function report(name, detail) {
  if (debugging) return api.emit(name, { ...detail, debug: true });
  api.track(name, detail, TYPE_SURVEY);
  api.emit(name, detail);
}

/** Change survey (or campaign) `id`'s memory item with `change(item)`'s fields. */
const remember = (id, change) =>
  updateMemory(api, (memory) => {
    const item = itemMemory(memory, id);
    memory.items[id] = { ...item, ...change(item) };
  });

/** Hold the budget for the surveys this session, or let it go (written on a change only). */
function hold(on) {
  const held = on ? sessionOf(api) : "";
  if (readMemory(api).held !== held) {
    updateMemory(api, (memory) => {
      memory.held = held;
    });
  }
}

const stopAll = () => {
  for (const entry of entries) for (const stop of entry.stops.splice(0)) stop();
};

// The visitor as targeting sees it: visits and the session's source as the loader counts them
// on every page (../identity.js); without consent nothing is stored: a first visit, with the
// source in this page's URL.
function visitor() {
  const consented = api.consented();
  const utm = consented
    ? api.storage.get("sessionStorage", SOURCE_KEY)
    : new URLSearchParams(location.search).get("utm_source");
  const visits = (consented && +api.storage.get(LOCAL, VISITS_KEY)) || 1;
  return { cart, visits, utm: (utm || "").slice(0, 100), device: device() };
}

/** The survey's recontact rule, the store's gap and the shared budget (held or not) allow it. */
function mayShow({ survey }, now = Date.now()) {
  const memory = readMemory(api);
  return (
    budgetAllows(api, api.config.offers?.interruptions_per_week ?? 2, now, true) &&
    recontactAllows(survey.recontact, itemMemory(memory, survey.id), now) &&
    gapAllows(memory, survey.id, settings().min_gap_days ?? 14, now)
  );
}

/** The longest return delay of this page's running offers watching `moment`; -1 for none. */
function offerDelay(moment) {
  let delay = -1;
  for (const { trigger, pages } of api.config.offers?.campaigns || []) {
    if (trigger?.kind === moment && pageAllows(pages, location.href))
      delay = Math.max(delay, trigger.return_delay_ms || 0);
  }
  return delay;
}

/** The state endpoint's answer for `entry`'s survey, kept as entry.state (rejects as the request does). */
const askState = async (entry) =>
  (entry.state = await api.request(
    at(
      entry.survey.id,
      `state?store=${encodeURIComponent(api.store)}&visitor=${encodeURIComponent(offerVisitor(api))}`,
    ),
  ));

/** Whether the visitor is due the survey (with its questions); undefined when it can't be read. */
async function fetchState(entry) {
  try {
    await askState(entry);
  } catch (error) {
    if (error.status !== 404) api.warn("survey", "a survey could not be loaded", error);
  }
  return entry.state;
}

/** A response's fields beside the visitor's, for POST …/responses. */
const responseBody = (signal) => ({
  visitor: offerVisitor(api),
  session: api.ids().session_id,
  signal,
  page: location.pathname.slice(0, 300),
  device: device(),
  cart_value: cart.count ? cart.subtotal : null,
  utm: api.consented() ? visitor().utm : "", // the session's, as the loader kept it
});

/**
 * The form's send() for `entry`'s response (a promise of {id, token}): saves the answer, and
 * on the last one remembers the survey answered; `done(result)` then. In debug mode the next
 * question is worked out here and nothing is sent.
 *
 * An answer the server refuses because the survey moved on without this form (edited since the
 * question showed: 409 question_not_next, or 404 question_not_found when the question was
 * taken out; another tab completed the response: 409 response_completed) is not sent again:
 * the survey's state is asked once, and the form goes on from the question the server says
 * is next, with the survey's questions as they are now. With nothing next (the response is
 * complete, or not this visitor's open one: a confirmation's response is the order's, which
 * the state doesn't tell) it quietly ends with the thanks. Another 409 (the survey closed
 * meanwhile) shows as the state request's error.
 */
const sender = (entry, response, done) => async (question, value, consent, picked) => {
  const id = entry.survey.id;
  let result;
  if (debugging) {
    const next = nextQuestion(entry.state.survey, question, picked);
    result = { next, done: !next };
  } else {
    const { id: rsp, token } = await response;
    try {
      result = await post(id, `responses/${encodeURIComponent(rsp)}/answers`, { token, question, value, consent });
    } catch (error) {
      if (error.status !== 409 && error.code !== "question_not_found") throw error;
      const { survey, response: open } = await askState(entry);
      const next = open?.id === rsp && open.next;
      if (!next) {
        remember(id, () => ({ open: "" }));
        done({});
      }
      return { next, survey };
    }
  }
  report(EV_SURVEY_ANSWERED, { survey: id, question });
  if (result.done) {
    if (!debugging) remember(id, () => ({ answered: true, open: "" }));
    report(EV_SURVEY_COMPLETED, { survey: id });
    done(result);
  }
  return result;
};

/** An answer's remedy: the survey makes way for the offer (its impression counted, no new slot). */
function showRemedy(entry, form, remedy) {
  const { campaign, arm } = remedy;
  form.close();
  remember(campaign, (item) => ({ n: item.n + 1, at: Date.now(), session: sessionOf(api) }));
  report(EV_SURVEY_REMEDY, { survey: entry.survey.id, campaign, arm });
  api.loadChunk(FEATURE_OFFERS).then((offers) => offers?.showRemedy?.(remedy));
}

/** Show `entry`'s survey as a sheet (`resume`: its response left open this session). */
function show(entry, signal, resume) {
  const { survey, state } = entry;
  const id = survey.id;
  adoptStyles();
  stopAll();
  showing = entry;
  let completed = false;
  let response = Promise.resolve(state.response);
  if (!debugging) {
    hold(false);
    if (resume) remember(id, () => ({ open: "" }));
    else {
      spendBudget(api, id);
      response = post(id, "responses", responseBody(signal)).then((rsp) => {
        remember(id, () => ({ open: rsp.id }));
        return rsp;
      });
    }
  }
  const form = surveyForm(state.survey, {
    start: (!debugging && state.response?.next) || state.survey.questions[0]?.key,
    note: debugging && NOT_SAVED,
    send: sender(entry, response, (result) => {
      completed = true;
      if (result.remedy) showRemedy(entry, form, result.remedy);
    }),
    onClose(how) {
      showing = null;
      if (!how || completed) return;
      if (!debugging) remember(id, () => ({ dismissed: Date.now(), open: "" }));
      report(EV_SURVEY_DISMISSED, { survey: id, how });
    },
  });
  // Not due after all (decided as the response was made), or the shop is out of reach.
  response.catch(() => form.close());
  report(EV_SURVEY_TRIGGER, { survey: id, signal });
  report(EV_SURVEY_SHOWN, { survey: id });
}

/** A moment of `entry`'s survey came (`signal`: how); show it if everything agrees. */
const fire = safe(async (entry, moment, signal) => {
  const { survey, state } = entry;
  if (showing || !state?.show) return;
  const item = itemMemory(readMemory(api), survey.id);
  const resume = item.open && item.open === state.response?.id && item.session === sessionOf(api);
  if (resume ? overlayOpen() : !mayShow(entry) || !targetingAllows(survey.targeting, visitor())) return hold(false);
  const delay = settings().priority === "surveys" || resume ? -1 : offerDelay(moment);
  if (delay >= 0) {
    // An offer watches this moment too and goes first: did it take the budget meanwhile?
    showing = entry;
    await new Promise((resolve) => setTimeout(resolve, delay + 100));
    showing = null;
    if (!mayShow(entry)) return;
  }
  show(entry, signal, resume);
});

/** The checkout's confirmation is in: its surveys, inline in its slot, one after the other. */
async function askAfterOrder(asks, total) {
  const slot = api.root.querySelector(`[${ATTR_SURVEY_SLOT}]`);
  const order = slot?.getAttribute(ATTR_SURVEY_SLOT);
  if (!order) return;
  for (const entry of asks) {
    const state = await fetchState(entry);
    if (!state?.show || !targetingAllows(entry.survey.targeting, { ...visitor(), cart: { count: 1, subtotal: total } }))
      continue;
    try {
      const response = await post(entry.survey.id, "responses", { ...responseBody(CONFIRMATION), order });
      adoptStyles();
      report(EV_SURVEY_TRIGGER, { survey: entry.survey.id, signal: CONFIRMATION });
      report(EV_SURVEY_SHOWN, { survey: entry.survey.id });
      await new Promise((resolve) =>
        surveyForm(state.survey, { slot, start: response.next, send: sender(entry, response, resolve) }),
      );
    } catch {} // answered for this order already, or out of reach: the next one
  }
}

function ordered(detail) {
  updateMemory(api, (memory) => {
    memory.bought = sessionOf(api);
  });
  stopAll();
  const asks = entries.filter((entry) => entry.survey.moments.includes(CONFIRMATION));
  if (asks.length && !debugging) setTimeout(safe(() => askAfterOrder(asks, detail?.total || 0)));
}

function setCart(detail) {
  cart = { count: detail?.count || 0, subtotal: detail?.subtotal || 0 };
  for (const fn of cartListeners) fn(cart);
}

const onCartChange = (fn) => {
  cartListeners.add(fn);
  fn(cart);
  return () => cartListeners.delete(fn);
};

function followCart() {
  api.on(EV_CART_CHANGE, setCart);
  api.on(EV_ORDER_COMPLETE, ordered);
  // One interruption per session: once an offer has fired, no survey watches. At once: the
  // offers' watches may have given back the back button's history entry, and a watch here
  // would take that step back for the shopper's Back.
  api.on(EV_OFFER_TRIGGER, stopAll);
  // A returning shopper's cart: its count and subtotal, for targeting and the drawer moment.
  if (api.storage.get(LOCAL, CART_KEY)) {
    api
      .loadChunk(FEATURE_CHECKOUT)
      .then((checkout) => checkout?.currentCart?.())
      .then((current) => current && setCart({ count: current.item_count, subtotal: current.subtotal }))
      .catch(() => {});
  }
}

/** Watch the page moments of each survey that may show here, and ask the server about it. */
function startSurveys() {
  followCart();
  const here = device();
  const session = sessionOf(api);
  const states = [];
  for (const survey of settings().list || []) {
    if (typeof survey?.id !== "string" || !pageAllows(survey.pages, location.href)) continue;
    const entry = { survey, state: null, stops: [] };
    entries.push(entry);
    const moments = (survey.moments || []).filter((moment) => moment !== CONFIRMATION);
    const devices = survey.targeting?.devices;
    const item = itemMemory(readMemory(api), survey.id);
    const due = (item.open && item.session === session) || overlayOpen() || mayShow(entry);
    if (!moments.length || !due || (Array.isArray(devices) && !devices.includes(here))) continue;
    for (const moment of moments) {
      const fireNow = (signal) => fire(entry, moment, signal);
      entry.stops.push(
        watchMoment(api, moment, survey.trigger || {}, here === "phone", fireNow, onCartChange, () => cart.count),
      );
    }
    const holds = (state) =>
      state?.show &&
      settings().priority === "surveys" &&
      moments.some((moment) => offerDelay(moment) >= 0) &&
      targetingAllows(survey.targeting, visitor());
    states.push(fetchState(entry).then(holds));
  }
  // The back button's entry an earlier load of this page added, if no watch took it over here
  // or in the offers chunk (../offers/triggers.js).
  dropStaleEntry();
  // Surveys first: a survey due here holds the budget from the offers sharing its moments.
  if (states.length) Promise.all(states).then((holds) => hold(holds.some(Boolean) && !debugging));
  const debug = (id) => {
    if (id == null) return;
    debugging = true;
    stopAll();
    const entry = entries.find((each) => !id || each.survey.id === id);
    if (entry) fetchState(entry).then((state) => state && !showing && show(entry, "debug"));
  };
  api.on(EV_DEBUG, (what) => debug(debugId(what)));
  debug(
    debugId(new URLSearchParams(location.search).get(DEBUG_PARAM)) ??
      (api.debug(DEBUG_SURVEY) && !api.debug("\0") ? "" : null),
  );
}

/** "survey" → "" (the page's first survey), "survey:srv_x" → "srv_x"; null when not named. */
const debugId = (what) => {
  const flag = RegExp(`(?:^|,)\\s*${DEBUG_SURVEY}(?::(\\w+))?\\s*(?:,|$)`).exec(what);
  return flag && (flag[1] || "");
};

/** The admin's live preview: {"survey": …} shows at once; answers go nowhere. */
function showPreview(element) {
  let data;
  try {
    data = JSON.parse(element.textContent);
  } catch {}
  if (!Array.isArray(data?.survey?.questions)) return; // another feature's preview
  debugging = true;
  show({ survey: { id: data.survey.id }, state: { survey: data.survey }, stops: [] }, "preview");
}

export function mount(loaderApi) {
  setApi(loaderApi);
  const preview = document.getElementById(OFFER_PREVIEW_ID);
  if (preview) showPreview(preview);
  else startSurveys();
}
