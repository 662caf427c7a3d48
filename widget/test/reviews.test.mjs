// Unit tests of the reviews chunk's pure parts (src/reviews/words.js), with Node's own test
// runner (tests/unit/test_widget_offers.py runs every file here).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  averageText,
  barStep,
  checkReviews,
  checkSummary,
  ratingWords,
  reviewCount,
  reviewDate,
  rowWords,
  skuBatches,
  starStep,
  starsWords,
} from "../src/reviews/words.js";

const review = (over = {}) => ({
  id: "rev_1",
  rating: 4,
  title: "Good",
  body: "Fine.",
  name: "Aoife B.",
  date: "2025-07-01",
  label: "verified",
  helpful: 0,
  reply: null,
  ...over,
});

describe("words for every star", () => {
  test("a summary in words, the average as the server wrote it", () => {
    assert.equal(ratingWords("4.3", 12), "Rated 4.3 out of 5, 12 reviews");
    assert.equal(ratingWords("5,0", 1), "Rated 5,0 out of 5, 1 review");
    assert.equal(ratingWords("0.0", 0), "No reviews yet");
    assert.equal(averageText(43, "4,3"), "4,3");
    assert.equal(averageText(43, undefined), "4.3");
    assert.equal(averageText(43, "x".repeat(40)), "4.3");
  });
  test("a review and a distribution row in words", () => {
    assert.equal(starsWords(1), "Rated 1 out of 5");
    assert.equal(rowWords(1, 1), "1 star: 1 review");
    assert.equal(rowWords(5, 8), "5 stars: 8 reviews");
    assert.equal(reviewCount(0), "0 reviews");
  });
});

describe("drawing steps", () => {
  test("stars to the nearest half star", () => {
    assert.deepEqual([0, 2, 3, 43, 45, 47, 50, 99].map(starStep), [0, 0, 1, 9, 9, 9, 10, 10]);
  });
  test("bars in 5% steps", () => {
    assert.deepEqual(
      [
        [0, 0],
        [0, 12],
        [8, 12],
        [12, 12],
        [1, 1000],
      ].map(([n, total]) => barStep(n, total)),
      [0, 0, 13, 20, 0],
    );
  });
});

test("dates in the store's locale, as the store dated them", () => {
  assert.equal(reviewDate("2025-07-01", "en-IE"), "1 Jul 2025");
  assert.equal(reviewDate("2025-12-31", "en-US"), "Dec 31, 2025");
  assert.equal(reviewDate("2025-13-01", "en-IE"), "");
  assert.equal(reviewDate("<img>", "en-IE"), "");
});

describe("answers are checked before they are shown", () => {
  test("a summary", () => {
    const good = { count: 3, average_tenths: 40, average: "4,0", distribution: { 5: 1, 4: 1, 3: 1, 2: 0, 1: 0 } };
    assert.deepEqual(checkSummary(good).rows, [1, 1, 1, 0, 0]);
    assert.equal(checkSummary(good).text, "4,0");
    assert.equal(checkSummary({ ...good, count: -1 }), null);
    assert.equal(checkSummary({ ...good, distribution: { 5: 1 } }), null);
    assert.equal(checkSummary(null), null);
  });
  test("reviews", () => {
    const bad = [
      null,
      review({ rating: 6 }),
      review({ rating: "4" }),
      review({ title: 5 }),
      review({ helpful: -1 }),
      review({ reply: { body: "x" } }),
    ];
    const good = [review(), review({ reply: { body: "Thanks", date: "2025-07-02" } })];
    assert.deepEqual(checkReviews([...bad, ...good]), good);
    assert.deepEqual(checkReviews("nope"), []);
  });
});

test("one ratings request per 50 distinct SKUs", () => {
  assert.deepEqual(skuBatches([" a", "b", "a", "", "x,y", "c"]), [["a", "b", "c"]]);
  const many = Array.from({ length: 120 }, (_, i) => `s${i}`);
  assert.deepEqual(
    skuBatches(many).map((batch) => batch.length),
    [50, 50, 20],
  );
});
