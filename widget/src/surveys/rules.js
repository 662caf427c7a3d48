// Who may see a survey again, what comes after an answer, and what an answer is: pure
// functions of the survey's settings, the interruption memory and the form's state (the clock
// and the random source are passed in), so Node tests them without a DOM.

const DAY_MS = 864e5;
// Survey ids (server/surveys: "srv_…"), telling a survey's memory from a campaign's.
const SURVEY_ID = "srv_";

/**
 * The survey's recontact rule, for its memory `item` ({n, at, dismissed, answered}): "once":
 * never after one impression; "every_n_days": not again (nor after a dismissal) within `days`;
 * "until_answered" (the default): until the visitor completed it. A dismissal alone does not
 * stop "until_answered": the session's budget does, for the rest of that session.
 */
export function recontactAllows(recontact, item, now) {
  const { mode, days = 30 } = recontact || {};
  if (mode === "once") return !item.n;
  if (mode === "every_n_days") return now - Math.max(item.at, item.dismissed) >= days * DAY_MS;
  return !item.answered;
}

/** The store's minimum gap: no other survey shown to this visitor within `days`. */
export const gapAllows = (memory, id, days, now) =>
  Object.entries(memory.items).every(
    ([key, item]) => key === id || !key.startsWith(SURVEY_ID) || now - item.at >= days * DAY_MS,
  );

/**
 * The question after `key` given the options `picked` (server/surveys/service.py
 * next_question, kept in step): the first picked option's `next` (in the question's order),
 * else the question's, else the following question; null ends the survey. A jump goes only
 * forward: one to an earlier or unknown question reads as no jump.
 */
export function nextQuestion(survey, key, picked = []) {
  const keys = survey.questions.map((question) => question.key);
  const here = keys.indexOf(key);
  const question = survey.questions[here];
  if (!question) return null;
  const jumps = (question.options || []).filter((option) => option.next && picked.includes(option.key));
  for (const target of [...jumps.map((option) => option.next), question.next]) {
    if (target === "end") return null;
    if (keys.indexOf(target) > here) return target;
  }
  return keys[here + 1] || null;
}

/** `options` in a random order (Fisher–Yates), the "Other" options last in theirs. */
export function shuffled(options, random = Math.random) {
  const list = options.filter((option) => !option.other);
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j], list[i]];
  }
  return [...list, ...options.filter((option) => option.other)];
}

/**
 * The API's `value` for `question` (server/surveys/service.py's docstring) from the form: the
 * option keys or score `picked` and the `text` typed (free text, an email, or an "Other"
 * option's words, sent only when that option is picked). null: nothing given.
 */
export function answerValue(question, picked, text) {
  text = text.trim();
  const { type } = question;
  const single = type === "single";
  if (single || type === "multiple") {
    if (!picked.length) return null;
    const value = single ? picked[0] : picked;
    const other = text && question.options.some((option) => option.other && picked.includes(option.key));
    return other ? { [single ? "option" : "options"]: value, text } : value;
  }
  if (question.high) return picked.length ? +picked[0] : null; // a scale
  return text || null;
}

/**
 * The survey moment a `checkout:close` ({view}) is: checkout left, or the drawer closed with
 * items in the cart, `count`, none added since it opened with `atOpen` (null: its opening was
 * not seen). A drawer that opened on an add and closes is the shopper going on shopping.
 */
export const closedMoment = (detail, count, atOpen) =>
  detail?.view === "checkout"
    ? "checkout_exit"
    : detail?.view === "cart" && count > 0 && atOpen != null && count <= atOpen
      ? "drawer_close"
      : null;
