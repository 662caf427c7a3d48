// Latest wins for quotes (src/checkout/latest.js): a newer request, or a cancel, makes the
// one on its way out of date and aborts it, so its answer can't change the screen.
import assert from "node:assert/strict";
import { test } from "node:test";

import { latestOnly } from "../src/checkout/latest.js";

test("a request is the latest until another starts; the older one is aborted", () => {
  const latest = latestOnly();
  const first = latest.start();
  assert.equal(first.latest(), true);
  assert.equal(first.signal.aborted, false);
  const second = latest.start();
  assert.equal(first.latest(), false);
  assert.equal(first.signal.aborted, true);
  assert.equal(second.latest(), true);
  assert.equal(second.signal.aborted, false);
});

test("cancel makes the request on its way out of date and aborts it", () => {
  const latest = latestOnly();
  const request = latest.start();
  latest.cancel();
  assert.equal(request.latest(), false);
  assert.equal(request.signal.aborted, true);
});

test("a finished latest request is not aborted by a later cancel", () => {
  const latest = latestOnly();
  const request = latest.start();
  assert.equal(request.end(), true);
  latest.cancel();
  assert.equal(request.signal.aborted, false);
  assert.equal(request.latest(), false);
});

test("an overtaken request ending says so and leaves the newer one abortable", () => {
  const latest = latestOnly();
  const old = latest.start();
  const current = latest.start();
  assert.equal(old.end(), false);
  latest.cancel();
  assert.equal(current.signal.aborted, true);
});
