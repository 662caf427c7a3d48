// The build's size accounting (build.mjs): a chunk counts with every file its import fetches,
// directly or through another, against its budget (closing20 §4.2: the badges chunk alone was
// within 5 KB while a page with badges fetched 7.3 KB), and the build fails when one is over.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

import { fetchedWith, measure, overBudget } from "../build.mjs";

// As `gzip -9 file` counts it: the stream and the header's zero-terminated file name.
const gzip = (bytes, file) => gzipSync(bytes, { level: 9 }).length + file.split("/").pop().length + 1;

test("a chunk's import fetches its shared files and theirs, each once", () => {
  const importsOf = {
    "chunks/offers.A.js": ["chunks/shared.D.js", "chunks/shared.F.js"],
    "chunks/shared.D.js": ["chunks/shared.F.js"],
    "chunks/shared.F.js": [],
    "chunks/badges.B.js": [],
  };
  assert.deepEqual(fetchedWith("chunks/offers.A.js", importsOf), ["chunks/shared.D.js", "chunks/shared.F.js"]);
  assert.deepEqual(fetchedWith("chunks/badges.B.js", importsOf), []);
});

test("each chunk is counted with what its import fetches, against its budget", () => {
  // Random bytes do not compress: a file's gzip size is a little over its length.
  const sizes = [
    { file: "chunks/reviews.R.js", bytes: randomBytes(4000), name: "reviews" },
    { file: "chunks/badges.B.js", bytes: randomBytes(5200), name: "badges" },
    { file: "chunks/shared.S.js", bytes: randomBytes(2000), name: null },
    { file: "chunks/shared.T.js", bytes: randomBytes(500), name: null },
  ];
  const importsOf = { "chunks/reviews.R.js": ["chunks/shared.S.js"], "chunks/shared.S.js": ["chunks/shared.T.js"] };
  const [reviews, badges, shared, deeper] = measure(sizes, importsOf);
  const [r, b, s, t] = sizes.map(({ bytes, file }) => gzip(bytes, file));
  assert.deepEqual({ counted: reviews.counted, budget: reviews.budget }, { counted: r + s + t, budget: 6144 });
  assert.ok(reviews.counted > reviews.budget, "over once its shared files count, not alone");
  assert.ok(r < reviews.budget);
  assert.equal(badges.counted, b);
  assert.deepEqual([shared.in, deeper.in], [["reviews"], ["reviews"]]);
  assert.equal(shared.counted, undefined); // counted in the chunks that fetch it
});

test("the build fails a chunk over its budget once what its import fetches counts", () => {
  // Within its budget alone, over with the file it imports: no chunk is let off.
  const sizes = [
    { file: "chunks/offers.O.js", bytes: randomBytes(7000), name: "offers" },
    { file: "chunks/more.M.js", bytes: randomBytes(1500), name: null },
    { file: "chunks/checkout.C.js", bytes: randomBytes(20000), name: "checkout" },
  ];
  const rows = measure(sizes, { "chunks/offers.O.js": ["chunks/more.M.js"] });
  assert.deepEqual(
    overBudget(rows).map((row) => row.file),
    ["chunks/offers.O.js"],
  );
  assert.deepEqual(overBudget(measure(sizes, {})), []);
});

test("a stylesheet loses its line breaks in the build, never a space between two tokens", async () => {
  const { compactCss } = await import("../build.mjs");
  const css = "\n.a{color:red;\nmargin:0}\n.b,\n.c{box-shadow:0 20px\n60px #0005\n}\n";
  assert.equal(compactCss(css), ".a{color:red;margin:0}.b,.c{box-shadow:0 20px 60px #0005}");
  assert.equal(compactCss(".a{margin:0}\\\n.b{}"), ".a{margin:0}\\\n.b{}"); // a line continuation stays
});
