// Unit tests of the surveys' pure rules (src/surveys/rules.js) and the surveys chunk's budget in
// the build, with Node's own test runner (tests/unit/test_widget_offers.py runs them all).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, test } from "node:test";

import { measure, overBudget } from "../build.mjs";
import { answerValue, closedMoment, gapAllows, nextQuestion, recontactAllows, shuffled } from "../src/surveys/rules.js";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 7, 12);
const item = (over = {}) => ({ n: 0, at: 0, session: "", dismissed: 0, answered: false, open: "", ...over });

describe("recontact", () => {
  test("once: never after one impression, answered or not", () => {
    const once = { mode: "once" };
    assert.equal(recontactAllows(once, item(), NOW), true);
    assert.equal(recontactAllows(once, item({ n: 1, at: NOW - 400 * DAY }), NOW), false);
  });
  test("until answered (the default): again after a dismissal, never once completed", () => {
    for (const rule of [{ mode: "until_answered" }, undefined, {}]) {
      assert.equal(recontactAllows(rule, item({ n: 3, at: NOW - 1000, dismissed: NOW - 500 }), NOW), true);
      assert.equal(recontactAllows(rule, item({ n: 1, answered: true }), NOW), false);
    }
  });
  test("every n days: from the last impression or dismissal, whichever is later", () => {
    const rule = { mode: "every_n_days", days: 10 };
    assert.equal(recontactAllows(rule, item({ n: 1, at: NOW - 10 * DAY }), NOW), true);
    assert.equal(recontactAllows(rule, item({ n: 1, at: NOW - 10 * DAY + 1 }), NOW), false);
    assert.equal(recontactAllows(rule, item({ n: 1, at: NOW - 20 * DAY, dismissed: NOW - 9 * DAY }), NOW), false);
    assert.equal(recontactAllows(rule, item({ n: 1, answered: true, at: NOW - 11 * DAY }), NOW), true);
    assert.equal(recontactAllows({ mode: "every_n_days" }, item({ n: 1, at: NOW - 29 * DAY }), NOW), false); // 30 days by default
  });
});

describe("the store's gap between two surveys", () => {
  const memory = (items) => ({ items });
  test("another survey shown within the gap stops this one; its own impressions and offers don't", () => {
    const recent = memory({ srv_other: item({ n: 1, at: NOW - 13 * DAY }) });
    assert.equal(gapAllows(recent, "srv_this", 14, NOW), false);
    assert.equal(gapAllows(recent, "srv_this", 13, NOW), true);
    assert.equal(gapAllows(recent, "srv_other", 14, NOW), true); // itself: its recontact rule decides
    assert.equal(gapAllows(memory({ cmp_offer: item({ n: 1, at: NOW - DAY }) }), "srv_this", 14, NOW), true);
    assert.equal(gapAllows(memory({}), "srv_this", 14, NOW), true);
    assert.equal(gapAllows(recent, "srv_this", 0, NOW), true);
  });
});

describe("branching", () => {
  const survey = {
    questions: [
      {
        key: "q1",
        options: [
          { key: "a", next: "q3" },
          { key: "b", next: "end" },
          { key: "c", next: null },
          { key: "back", next: "q1" },
        ],
        next: null,
      },
      { key: "q2", options: [], next: "q4" },
      { key: "q3", options: [], next: null },
      { key: "q4", next: "end" },
    ],
  };
  test("the picked option's jump, else the question's, else the following question", () => {
    assert.equal(nextQuestion(survey, "q1", ["a"]), "q3");
    assert.equal(nextQuestion(survey, "q1", ["b"]), null);
    assert.equal(nextQuestion(survey, "q1", ["c"]), "q2");
    assert.equal(nextQuestion(survey, "q1", []), "q2");
    assert.equal(nextQuestion(survey, "q2", []), "q4");
    assert.equal(nextQuestion(survey, "q3", []), "q4");
    assert.equal(nextQuestion(survey, "q4", []), null);
  });
  test("of several picked, the first in the question's order with a jump; a jump back is no jump", () => {
    assert.equal(nextQuestion(survey, "q1", ["c", "b", "a"]), "q3");
    assert.equal(nextQuestion(survey, "q1", ["back"]), "q2");
  });
  test("an unknown question ends", () => {
    assert.equal(nextQuestion(survey, "q9", []), null);
  });
});

describe("shuffling", () => {
  const options = ["a", "b", "c", "d", "e"].map((key) => ({ key })).concat({ key: "other", other: true });
  test("a permutation of the options, Other last", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const orders = new Set();
    for (let i = 0; i < 50; i++) {
      const keys = shuffled(options, random).map((option) => option.key);
      assert.deepEqual([...keys].sort(), ["a", "b", "c", "d", "e", "other"]);
      assert.equal(keys.at(-1), "other");
      orders.add(keys.join());
    }
    assert.ok(orders.size > 10, `only ${orders.size} orders in 50 shuffles`);
    assert.deepEqual(
      options.map((option) => option.key),
      ["a", "b", "c", "d", "e", "other"],
    ); // the question's own list is left alone
  });
});

describe("an answer's value for the API", () => {
  const single = { type: "single", options: [{ key: "a" }, { key: "other", other: true }] };
  const multiple = { type: "multiple", options: [{ key: "a" }, { key: "b" }, { key: "other", other: true }] };
  test("choices: the key (or keys), with the Other text only when Other is picked", () => {
    assert.equal(answerValue(single, ["a"], ""), "a");
    assert.equal(answerValue(single, ["a"], "typed, then changed my mind"), "a");
    assert.deepEqual(answerValue(single, ["other"], "  too slow  "), { option: "other", text: "too slow" });
    assert.equal(answerValue(single, ["other"], "   "), "other");
    assert.deepEqual(answerValue(multiple, ["a", "b"], ""), ["a", "b"]);
    assert.deepEqual(answerValue(multiple, ["a", "other"], "x"), { options: ["a", "other"], text: "x" });
    assert.equal(answerValue(single, [], "x"), null);
    assert.equal(answerValue(multiple, [], ""), null);
  });
  test("scales: the score as a number", () => {
    const nps = { type: "nps", low: 0, high: 10 };
    assert.equal(answerValue(nps, ["0"], ""), 0);
    assert.equal(answerValue(nps, ["10"], ""), 10);
    assert.equal(answerValue({ type: "rating", low: 1, high: 5, style: "stars" }, ["4"], ""), 4);
    assert.equal(answerValue(nps, [], ""), null);
  });
  test("text and email: trimmed; empty is no answer", () => {
    assert.equal(answerValue({ type: "long_text" }, [], "  fine\nthanks "), "fine\nthanks");
    assert.equal(answerValue({ type: "short_text" }, [], "   "), null);
    assert.equal(answerValue({ type: "email" }, [], " me@example.com"), "me@example.com");
  });
});

describe("the checkout's moments", () => {
  test("the drawer closed with items is drawer_close; leaving checkout is checkout_exit", () => {
    assert.equal(closedMoment({ view: "cart" }, 2, 2), "drawer_close");
    assert.equal(closedMoment({ view: "cart" }, 1, 3), "drawer_close"); // an item removed
    assert.equal(closedMoment({ view: "cart" }, 0, 0), null);
    // Opened on an add (the count grew while open), or opened before the chunk listened.
    assert.equal(closedMoment({ view: "cart" }, 2, 1), null);
    assert.equal(closedMoment({ view: "cart" }, 2, null), null);
    assert.equal(closedMoment({ view: "checkout" }, 0), "checkout_exit");
    assert.equal(closedMoment({ view: "checkout" }, 3), "checkout_exit");
    assert.equal(closedMoment(undefined, 3), null);
    assert.equal(closedMoment({ view: "other" }, 3), null);
  });
});

describe("the build", () => {
  test("fails when the surveys chunk is over 8,192 bytes counted, not at 8,192", () => {
    const chunk = (size) => [{ file: "chunks/surveys.S.js", bytes: randomBytes(size), name: "surveys" }];
    const over = measure(chunk(8300), {});
    assert.equal(over[0].budget, 8192);
    assert.deepEqual(
      overBudget(over).map((row) => row.file),
      ["chunks/surveys.S.js"],
    );
    assert.deepEqual(overBudget(measure(chunk(8000), {})), []); // random bytes: ~8,010 gzipped
  });
});
