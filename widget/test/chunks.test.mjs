// The loader learns its chunks from the store config (config.chunks): only same-origin paths
// to .js files are taken, and a chunk it was not told about fails quietly (null, one warning).
import assert from "node:assert/strict";
import { test } from "node:test";

import { hasChunk, knowChunks, loadChunk } from "../src/chunks.js";

test("the config's chunks are known by name; anything but a path to a .js file is refused", () => {
  knowChunks([
    { name: "offers", src: "/v1/chunks/offers.ABC123.js", idle: true },
    { name: "checkout", src: "/v1/chunks/checkout.DEF456.js", cart: true },
    { name: "elsewhere", src: "https://evil.example/x.js" },
    { name: "relative", src: "chunks/x.js" },
    { name: "nojs", src: "/v1/chunks/x.css" },
    null,
  ]);
  assert.equal(hasChunk("offers"), true);
  assert.equal(hasChunk("checkout"), true);
  for (const name of ["elsewhere", "relative", "nojs", "surveys", "toString"])
    assert.equal(hasChunk(name), false, name);
});

test("a chunk the config did not name resolves to null with one warning, and fetches nothing", async () => {
  const warnings = [];
  const warn = console.warn;
  console.warn = (...args) => warnings.push(args.join(" "));
  try {
    assert.equal(await loadChunk("https://keepcart.example", "surveys", {}), null);
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /the "surveys" feature could not start/);
});
