// The phone's back-button signal (src/offers/triggers.js) against a fake session history: the
// one entry every watch shares, given back when a watch stops alone, and an entry an earlier
// load of the page added. The offers and the surveys chunks each bundle their own copy of that
// module (and of ../src/checkout/env.js, which holds the loader's api): each copy here is
// bundled as the build bundles a chunk, and mounted with the one loader api of the page.
import assert from "node:assert/strict";
import { beforeEach, describe, test } from "node:test";
import { build } from "esbuild";

/**
 * An event target as the browser's: a listener is one per type, function and capture flag,
 * `once` removes it after its first call. (Node's own EventTarget keeps a capturing listener
 * that removeEventListener(type, fn, true) is asked to remove.)
 */
class FakeTarget {
  listeners = [];
  addEventListener(type, fn, options) {
    const capture = options === true || Boolean(options?.capture);
    if (!this.listeners.some((each) => each.type === type && each.fn === fn && each.capture === capture))
      this.listeners.push({ type, fn, capture, once: Boolean(options?.once) });
  }
  removeEventListener(type, fn, options) {
    const capture = options === true || Boolean(options?.capture);
    this.listeners = this.listeners.filter(
      (each) => !(each.type === type && each.fn === fn && each.capture === capture),
    );
  }
  dispatchEvent(event) {
    for (const each of this.listeners.filter((listener) => listener.type === event.type)) {
      if (!this.listeners.includes(each)) continue; // removed by an earlier one
      if (each.once) this.removeEventListener(each.type, each.fn, each.capture);
      each.fn(event);
    }
  }
}

/**
 * The page's session history, as far as the watches use it: entries of {state} (the page's
 * first, then any given `states` added since; the last is current), pushState and
 * replaceState, and history.back() stepping back a task later, then a popstate on the window
 * (stepping back off the first entry leaves the page). `settled()`: once the steps asked for
 * are taken.
 */
class FakeHistory {
  constructor(window, ...states) {
    this.window = window;
    this.entries = [null, ...states].map((state) => ({ state }));
    this.index = states.length;
    this.steps = [];
    this.left = false;
  }
  get state() {
    return this.entries[this.index].state;
  }
  get length() {
    return this.entries.length;
  }
  pushState(state) {
    this.entries.splice(this.index + 1, Number.POSITIVE_INFINITY, { state: structuredClone(state) });
    this.index++;
  }
  replaceState(state) {
    this.entries[this.index] = { state: structuredClone(state) };
  }
  back() {
    this.steps.push(
      new Promise((resolve) => setTimeout(resolve)).then(() => {
        if (this.index === 0) this.left = true;
        else {
          this.index--;
          this.window.dispatchEvent(new Event("popstate"));
        }
      }),
    );
  }
  /** The shopper's Back button. */
  press() {
    this.back();
    return this.settled();
  }
  async settled() {
    while (this.steps.length) await this.steps.shift();
  }
}

const BACK_ONLY = { kind: "exit_intent", min_seconds: 0, phone_signals: ["back_button"] };
const OTHER_LOAD = performance.timeOrigin - 60000; // what a reload finds: an earlier load's mark

let history;
let fired;

/** A fresh page: its window, document and history (marked by an earlier load, given `mark`). */
function freshPage(mark) {
  const window = new FakeTarget();
  globalThis.window = window;
  globalThis.addEventListener = window.addEventListener.bind(window);
  globalThis.removeEventListener = window.removeEventListener.bind(window);
  globalThis.document = new FakeTarget();
  globalThis.navigator = { userActivation: { hasBeenActive: false } };
  const earlier = mark === undefined ? [] : [{ keepcart_offer: mark }]; // the entry that load added
  history = globalThis.history = new FakeHistory(window, ...earlier);
  fired = [];
  const loaderApi = Object.freeze({ back: {} }); // as far as the triggers read it (src/loader.js)
  for (const chunk of [offers, surveys]) chunk.setApi(loaderApi);
}

/** Start a back-button watch from `triggers` (a chunk's copy); its fire() is recorded as `name`. */
const watching = (triggers, name) => triggers.watch(BACK_ONLY, true, (signal) => fired.push([name, signal]));

const tap = () => document.dispatchEvent(new Event("pointerdown"));
const marked = () => history.state?.keepcart_offer;

/** A chunk's own copy of the triggers, with its setApi (what its mount calls), as one bundle. */
async function chunkCopy(name) {
  const { outputFiles } = await build({
    stdin: {
      contents: 'export * from "./src/offers/triggers.js"; export { setApi } from "./src/checkout/env.js";',
      resolveDir: new URL("..", import.meta.url).pathname,
    },
    bundle: true,
    format: "esm",
    write: false,
    logLevel: "silent",
  });
  // The chunk's name makes each copy's source (and so its module) its own.
  return import(`data:text/javascript,${encodeURIComponent(`${outputFiles[0].text}// ${name}`)}`);
}

const offers = await chunkCopy("offers");
const surveys = await chunkCopy("surveys");

describe("the back button's history entry", () => {
  beforeEach(() => freshPage());

  test("the first tap adds one entry for every watch; the shopper's Back fires each of them", async () => {
    watching(offers, "offer 1");
    watching(offers, "offer 2");
    watching(surveys, "survey");
    assert.equal(history.length, 1); // nothing before the shopper's first gesture
    tap();
    assert.equal(history.length, 2);
    assert.equal(marked(), performance.timeOrigin);
    await history.press();
    assert.deepEqual(fired, [
      ["offer 1", "back_button"],
      ["offer 2", "back_button"],
      ["survey", "back_button"],
    ]);
    assert.equal(history.left, false);
  });

  test("a watch stopping alone gives the entry back, and the other watches don't take that for a Back", async () => {
    const stopFirst = watching(offers, "offer 1"); // (its campaign's arm failed to load)
    watching(offers, "offer 2");
    tap();
    stopFirst();
    assert.equal(marked(), false); // at once: a watch stopping with it finds nothing to give back
    await history.settled();
    assert.deepEqual([history.index, fired], [0, []]);
    await history.press(); // one Back leaves the page
    assert.deepEqual([history.left, fired], [true, []]);
  });

  test("an offer's watch stopping alone: the survey's watch doesn't take that step back for a Back", async () => {
    const stopOffer = watching(offers, "offer"); // (its campaign's arm was not found)
    watching(surveys, "survey");
    tap();
    stopOffer();
    await history.settled();
    assert.deepEqual([history.index, fired], [0, []]);
    tap(); // the survey's watch adds the entry again
    await history.press();
    assert.deepEqual(fired, [["survey", "back_button"]]);
  });

  test("the entry is given back once when the watches stop together", async () => {
    const stops = [watching(offers, "offer"), watching(surveys, "survey")];
    tap();
    for (const stop of stops) stop();
    await history.settled();
    assert.deepEqual([history.index, history.left, fired], [0, false, []]);
  });

  test("after its own step back, a Back from an entry a later tap added fires again", async () => {
    const stopFirst = watching(offers, "offer 1");
    watching(offers, "offer 2");
    tap();
    stopFirst();
    await history.settled();
    tap();
    assert.equal(history.length, 2);
    await history.press();
    assert.deepEqual(fired, [["offer 2", "back_button"]]);
  });
});

describe("an entry an earlier load of the page added (a reload without the back/forward cache)", () => {
  beforeEach(() => freshPage(OTHER_LOAD));

  test("with nothing watching, the chunk gives it back: one Back then leaves the page", async () => {
    offers.dropStaleEntry();
    await history.settled();
    assert.deepEqual([history.index, marked()], [0, undefined]);
    await history.press();
    assert.deepEqual([history.left, fired], [true, []]);
  });

  test("a watch takes it over (this load's now), and neither chunk gives it back", async () => {
    watching(surveys, "survey");
    assert.equal(marked(), performance.timeOrigin);
    offers.dropStaleEntry(); // the offers chunk, watching nothing (its budget spent)
    surveys.dropStaleEntry();
    await history.settled();
    assert.deepEqual([history.index, fired], [1, []]);
    await history.press();
    assert.deepEqual(fired, [["survey", "back_button"]]);
  });

  test("given back before the other chunk watches: that watch adds its own on the next tap", async () => {
    offers.dropStaleEntry();
    watching(surveys, "survey"); // mounts while the step back is on its way
    await history.settled();
    assert.deepEqual([history.index, fired], [0, []]);
    tap();
    await history.press();
    assert.deepEqual(fired, [["survey", "back_button"]]);
  });

  test("an entry this load added is nobody's to drop", async () => {
    freshPage();
    watching(surveys, "survey");
    tap();
    offers.dropStaleEntry();
    await history.settled();
    assert.deepEqual([history.index, marked()], [1, performance.timeOrigin]);
  });
});
