// Unit tests of the offers' pure rules and the shared interruption budget, with Node's own
// test runner: `node --test widget/test/` (tests/unit/test_widget_offers.py runs it).
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";

import { budgetAllows, itemMemory, readMemory, sessionOf, spendBudget, updateMemory } from "../src/interruptions.js";
import { frequencyAllows, pageAllows, targetingAllows } from "../src/offers/rules.js";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 10, 23, 12);
const visitor = (over = {}) => ({ cart: { count: 0, subtotal: 0 }, device: "desktop", visits: 1, utm: "", ...over });
const item = (over = {}) => ({ ...itemMemory({ items: {} }, "x"), ...over });

describe("targeting", () => {
  test("missing settings allow everyone", () => {
    assert.equal(targetingAllows({}, visitor()), true);
    assert.equal(targetingAllows(undefined, visitor()), true);
  });
  test("cart empty or not", () => {
    assert.equal(targetingAllows({ cart: "empty" }, visitor({ cart: { count: 1, subtotal: 100 } })), false);
    assert.equal(targetingAllows({ cart: "empty" }, visitor()), true);
    assert.equal(targetingAllows({ cart: "not_empty" }, visitor()), false);
    assert.equal(targetingAllows({ cart: "not_empty" }, visitor({ cart: { count: 2, subtotal: 100 } })), true);
  });
  test("subtotal range, bounds included", () => {
    const range = { subtotal_min: 2000, subtotal_max: 5000 };
    const at = (subtotal) => targetingAllows(range, visitor({ cart: { count: 1, subtotal } }));
    assert.deepEqual([1999, 2000, 5000, 5001].map(at), [false, true, true, false]);
  });
  test("device", () => {
    assert.equal(targetingAllows({ devices: ["phone"] }, visitor()), false);
    assert.equal(targetingAllows({ devices: ["phone"] }, visitor({ device: "phone" })), true);
    assert.equal(targetingAllows({ devices: ["desktop", "phone"] }, visitor()), true);
  });
  test("new or returning, and visit counts", () => {
    assert.equal(targetingAllows({ visitor: "new" }, visitor({ visits: 1 })), true);
    assert.equal(targetingAllows({ visitor: "new" }, visitor({ visits: 2 })), false);
    assert.equal(targetingAllows({ visitor: "returning" }, visitor({ visits: 1 })), false);
    assert.equal(targetingAllows({ visitor: "returning" }, visitor({ visits: 3 })), true);
    const range = { min_visits: 2, max_visits: 4 };
    assert.deepEqual(
      [1, 2, 4, 5].map((visits) => targetingAllows(range, visitor({ visits }))),
      [false, true, true, false],
    );
  });
  test("UTM source, case-insensitive; none listed means any", () => {
    const t = { utm_sources: ["Newsletter", "google"] };
    assert.equal(targetingAllows(t, visitor({ utm: "newsletter" })), true);
    assert.equal(targetingAllows(t, visitor({ utm: "GOOGLE" })), true);
    assert.equal(targetingAllows(t, visitor({ utm: "bing" })), false);
    assert.equal(targetingAllows(t, visitor({ utm: "" })), false);
    assert.equal(targetingAllows({ utm_sources: [] }, visitor({ utm: "bing" })), true);
  });
});

describe("page patterns", () => {
  const url = "https://shop.example/products/mug?x=1";
  test("include and exclude", () => {
    assert.equal(pageAllows({ include: null, exclude: null }, url), true);
    assert.equal(pageAllows(undefined, url), true);
    assert.equal(pageAllows({ include: "^(?:.*\\/products\\/.*)$", exclude: null }, url), true);
    assert.equal(pageAllows({ include: "^(?:.*\\/about)$", exclude: null }, url), false);
    assert.equal(pageAllows({ include: null, exclude: "^(?:.*mug.*)$" }, url), false);
  });
  test("a broken pattern matches nothing (and never throws)", () => {
    assert.equal(pageAllows({ include: "(", exclude: null }, url), false);
    assert.equal(pageAllows({ include: null, exclude: "(" }, url), true);
  });
});

describe("frequency", () => {
  test("once per session", () => {
    const f = { mode: "once_per_session", max_impressions: null };
    assert.equal(frequencyAllows(f, item(), "s1", NOW), true);
    assert.equal(frequencyAllows(f, item({ n: 1, at: NOW - 1000, session: "s1" }), "s1", NOW), false);
    assert.equal(frequencyAllows(f, item({ n: 1, at: NOW - 1000, session: "s1" }), "s2", NOW), true);
  });
  test("every N days counts from the last impression or dismissal", () => {
    const f = { mode: "every_n_days", days: 3, max_impressions: null };
    assert.equal(frequencyAllows(f, item({ n: 1, at: NOW - 3 * DAY + 1 }), "s", NOW), false);
    assert.equal(frequencyAllows(f, item({ n: 1, at: NOW - 3 * DAY }), "s", NOW), true);
    assert.equal(frequencyAllows(f, item({ n: 1, at: NOW - 9 * DAY, dismissed: NOW - DAY }), "s", NOW), false);
  });
  test("until converted", () => {
    const f = { mode: "until_converted", max_impressions: null };
    assert.equal(frequencyAllows(f, item({ n: 4, session: "s" }), "s", NOW), true);
    assert.equal(frequencyAllows(f, item({ n: 4, converted: true }), "s", NOW), false);
  });
  test("a dismissal is remembered", () => {
    for (const mode of ["once_per_session", "until_converted"]) {
      assert.equal(frequencyAllows({ mode }, item({ n: 1, dismissed: NOW - 30 * DAY }), "new", NOW), false, mode);
    }
  });
  test("at most max_impressions", () => {
    const f = { mode: "until_converted", max_impressions: 2 };
    assert.equal(frequencyAllows(f, item({ n: 1 }), "s", NOW), true);
    assert.equal(frequencyAllows(f, item({ n: 2 }), "s", NOW), false);
  });
});

describe("interruption budget", () => {
  class FakeStorage {
    data = new Map();
    getItem = (key) => (this.data.has(key) ? this.data.get(key) : null);
    setItem = (key, value) => this.data.set(key, String(value));
  }
  let session;
  let consented;
  let dialogOpen;
  const api = {
    consented: () => consented,
    ids: () => ({ session_id: session }),
    // The loader's storage, straight to the fake areas (what is stored is read every time).
    storage: {
      get: (area, key) => globalThis[area].getItem(key),
      set: (area, key, value) => globalThis[area].setItem(key, value),
    },
  };
  beforeEach(() => {
    globalThis.localStorage = new FakeStorage();
    globalThis.sessionStorage = new FakeStorage();
    // Keepcart's root, when made, holds the open dialog (a Keepcart dialog: the page has none).
    const root = { querySelector: () => (dialogOpen ? {} : null) };
    globalThis.document = {
      querySelector: () => null,
      querySelectorAll: () => [],
      getElementById: () => ({ shadowRoot: root }),
    };
    session = "s_1";
    consented = true;
    dialogOpen = false;
  });

  test("one interruption per session, `perWeek` in 7 days", () => {
    assert.equal(budgetAllows(api, 2, NOW), true);
    spendBudget(api, "cmp_a", NOW);
    assert.equal(budgetAllows(api, 2, NOW + 1000), false); // same session
    session = "s_2";
    assert.equal(budgetAllows(api, 2, NOW + DAY), true);
    spendBudget(api, "cmp_b", NOW + DAY);
    session = "s_3";
    assert.equal(budgetAllows(api, 2, NOW + 2 * DAY), false); // two this week
    assert.equal(budgetAllows(api, 2, NOW + 7 * DAY), true); // the first is a week old
    assert.equal(budgetAllows(api, 0, NOW + 30 * DAY), false);
  });
  test("impressions are counted per campaign", () => {
    spendBudget(api, "cmp_a", NOW);
    session = "s_2";
    spendBudget(api, "cmp_a", NOW + 5);
    assert.deepEqual(itemMemory(readMemory(api), "cmp_a"), {
      n: 2,
      at: NOW + 5,
      session: "s_2",
      dismissed: 0,
      converted: false,
      answered: false,
      open: "",
    });
  });
  test("never over an open dialog, never after a purchase this session", () => {
    dialogOpen = true;
    assert.equal(budgetAllows(api, 2, NOW), false);
    dialogOpen = false;
    updateMemory(api, (memory) => {
      memory.bought = "s_1";
    });
    assert.equal(budgetAllows(api, 2, NOW), false);
    session = "s_2";
    assert.equal(budgetAllows(api, 2, NOW), true);
  });
  test("without consent: sessionStorage only, one session per tab", () => {
    consented = false;
    assert.equal(sessionOf(api), "tab");
    spendBudget(api, "cmp_a", NOW);
    session = "s_other_page"; // the in-memory session id changes on every page
    assert.equal(budgetAllows(api, 2, NOW), false);
    assert.equal(localStorage.data.size, 0);
    assert.equal(sessionStorage.data.size, 1);
  });
  test("whatever is stored is checked before it is trusted", () => {
    for (const junk of ["not json", "[]", '{"times": "x", "items": {"a": {"n": -4, "at": "x"}}}', "null"]) {
      localStorage.setItem("keepcart:interruptions", junk);
      const memory = readMemory(api);
      assert.deepEqual(memory.times, []);
      assert.equal(budgetAllows(api, 2, NOW), true, junk);
    }
    localStorage.setItem("keepcart:interruptions", '{"items": {"a": {"n": -4, "at": "x"}}}');
    const empty = { n: 0, at: 0, session: "", dismissed: 0, converted: false, answered: false, open: "" };
    assert.deepEqual(itemMemory(readMemory(api), "a"), empty);
  });
  test("a survey's memory (answered, the response left open) and the hold are checked too", () => {
    const stored = {
      held: "s_1",
      items: { srv_a: { n: 1, answered: true, open: "rsp_1" }, srv_b: { answered: "yes", open: 7 } },
    };
    localStorage.setItem("keepcart:interruptions", JSON.stringify(stored));
    const memory = readMemory(api);
    assert.equal(memory.held, "s_1");
    assert.deepEqual([memory.items.srv_a.answered, memory.items.srv_a.open], [true, "rsp_1"]);
    assert.deepEqual([memory.items.srv_b.answered, memory.items.srv_b.open], [false, ""]);
    localStorage.setItem("keepcart:interruptions", '{"held": {"x": 1}}');
    assert.equal(readMemory(api).held, "");
  });
  test("what one chunk writes, another's write keeps (the offers rewrite the surveys' memory)", () => {
    updateMemory(api, (memory) => {
      memory.held = "s_1";
      memory.items.srv_a = { ...itemMemory(memory, "srv_a"), answered: true, open: "rsp_1" };
    });
    spendBudget(api, "cmp_a", NOW); // the offers' write
    const memory = readMemory(api);
    assert.equal(memory.held, "s_1");
    assert.deepEqual([memory.items.srv_a.answered, memory.items.srv_a.open], [true, "rsp_1"]);
  });
  test("a survey holding the budget this session stops the offers, not the surveys", () => {
    updateMemory(api, (memory) => {
      memory.held = "s_1";
    });
    assert.equal(budgetAllows(api, 2, NOW), false); // the offers ask
    assert.equal(budgetAllows(api, 2, NOW, true), true); // the surveys ask
    dialogOpen = true;
    assert.equal(budgetAllows(api, 2, NOW, true), false); // still never over an open dialog
    dialogOpen = false;
    session = "s_2"; // a hold lasts for its session only
    assert.equal(budgetAllows(api, 2, NOW), true);
  });
});
