#!/usr/bin/env node
// Builds the widget into ../server/static/:
//   chunks/{name}.{hash}.js  one ES module per src/chunks/*.js (stale chunk files removed)
//   chunks/shared.{hash}.js  code two or more chunks import (esbuild's code splitting)
//   chunks/main.{hash}.js    the loader proper (src/loader.js, an ES module of its own): it
//                            learns the chunks from the store config
//   keepcart.js              the first stage (src/boot.js, IIFE): all that runs while the
//                            page loads; it imports main after the page's load
//   manifest.json            {"loader": "keepcart.js", "main": "chunks/main.hash.js",
//                             "chunks": {name: "chunks/name.hash.js"},
//                             "imports": {name: ["chunks/shared.hash.js", …]}} (the server's
//                             store config tells the loader, which has no chunk map of its own;
//                             "imports": every shared file a chunk's import fetches, directly
//                             or through another shared file)
// A STANDALONE chunk is built on its own and shares nothing: whatever it imports is in its one
// file. Then it prints every file's raw and gzip size and, for each chunk, its size counted
// with the shared files it imports (what a page fetches to run it) against its gzip budget,
// and exits 1 when one is over. The output depends only on the sources and the pinned esbuild:
// no timestamps, so a fresh build is byte-identical to the committed one.
//
//   node build.mjs          build and write server/static/
//   node build.mjs --check  build in memory, write nothing; exit 1 if server/static/ differs
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SRC = path.join(HERE, "src");
const CHUNK_SRC = path.join(SRC, "chunks");
const OUT = path.resolve(HERE, "..", "server", "static");
const CHUNK_OUT = path.join(OUT, "chunks");
const LOADER = "keepcart.js";
const MAIN = "main";
const MANIFEST = "manifest.json";

// Gzip byte budgets, by chunk name ("boot" is keepcart.js, "main" the loader it imports).
const BUDGETS = {
  boot: 2560,
  main: 4096,
  checkout: 20480,
  offers: 8192,
  surveys: 8192,
  badges: 5120,
  reviews: 6144,
};
const DEFAULT_CHUNK_BUDGET = 8192;
// Built alone, sharing no code with the other chunks: a page that shows only badges (a product
// page, a footer) fetches one file, and the badges chunk is small enough that what it would
// share (request, visitor, holdout, constants) costs less inlined than as shared files.
// The surveys chunk likewise: what it reuses (the offers' triggers and targeting, the budget,
// the checkout's DOM helpers), split out, would push offers over its ceiling.
const STANDALONE = new Set(["badges", "surveys"]);
// Chunks over their budget once the shared files they import are counted (closing20 §4.2),
// left as they are for now: each may not grow past its ceiling here (its counted size when
// the counting began, checkout 22,584 and offers 10,471 bytes, and 128 bytes of room for small
// fixes), and the size table still says it is over. Remove an entry once its chunk is back
// within its budget. Offers' went up by 41 bytes for the surveys (issue 13: the budget a
// survey holds, a survey answer's remedy shown): main's offers had grown into its 128 first.
const OVER_BUDGET_CEILINGS = { checkout: 22712, offers: 10640 };
const CHUNK_NAME = /^[a-z][a-z0-9-]*$/;

const COMMON = {
  bundle: true,
  minify: true,
  target: "es2020",
  platform: "browser",
  legalComments: "none",
  charset: "ascii",
  write: false,
  logLevel: "warning",
};

const VERSION = JSON.parse(readFileSync(path.join(HERE, "package.json"), "utf8")).version;

const toPosix = (file) => file.split(path.sep).join("/");

/** The feature chunks' entry files, src/chunks/*.js, sorted. */
function chunkEntries() {
  const entries = existsSync(CHUNK_SRC)
    ? readdirSync(CHUNK_SRC)
        .filter((file) => file.endsWith(".js"))
        .sort()
    : [];
  for (const entry of entries) {
    const name = entry.slice(0, -3);
    if (!CHUNK_NAME.test(name)) {
      throw new Error(`chunk file src/chunks/${entry}: names are lowercase letters, digits and "-"`);
    }
  }
  return entries;
}

/** One esbuild run over chunk `entries` (code shared between them split out when `splitting`). */
const buildChunks = (entries, splitting) =>
  esbuild.build({
    ...COMMON,
    entryPoints: entries.map((entry) => path.join(CHUNK_SRC, entry)),
    format: "esm",
    splitting,
    outdir: CHUNK_OUT,
    entryNames: "[name].[hash]",
    chunkNames: "shared.[hash]",
    metafile: true,
  });

/**
 * Every file a chunk's import fetches: `file` and, transitively, the shared files it imports
 * statically (`importsOf`: file -> the files it imports).
 */
export function fetchedWith(file, importsOf) {
  const seen = new Set([file]);
  const walk = (each) => {
    for (const imported of importsOf[each] || []) {
      if (!seen.has(imported)) {
        seen.add(imported);
        walk(imported);
      }
    }
  };
  walk(file);
  return [...seen].slice(1).sort();
}

/** Builds everything in memory: {files: Map(relative path -> bytes), sizes: [...]} */
async function build() {
  const files = new Map();
  const sizes = [];
  const chunkMap = {};
  const importsOf = {}; // built file -> the shared files it imports statically
  const relativeOf = (outPath) => toPosix(path.relative(OUT, path.resolve(outPath)));

  const entries = chunkEntries();
  const standalone = entries.filter((entry) => STANDALONE.has(entry.slice(0, -3)));
  const split = entries.filter((entry) => !standalone.includes(entry));
  const runs = [
    ...(split.length ? [buildChunks(split, true)] : []),
    ...standalone.map((entry) => buildChunks([entry], false)),
  ];
  for (const result of await Promise.all(runs)) {
    const byPath = new Map(result.outputFiles.map((file) => [path.resolve(file.path), file]));
    for (const [outPath, meta] of Object.entries(result.metafile.outputs)) {
      const file = byPath.get(path.resolve(outPath));
      const relative = relativeOf(outPath);
      const name = meta.entryPoint ? path.basename(meta.entryPoint, ".js") : null;
      if (name) chunkMap[name] = relative;
      importsOf[relative] = meta.imports
        .filter((each) => each.kind === "import-statement")
        .map((each) => relativeOf(each.path));
      files.set(relative, file.contents);
      sizes.push({ file: relative, bytes: file.contents, name });
    }
  }

  const sortedChunks = Object.fromEntries(Object.entries(chunkMap).sort(([a], [b]) => (a < b ? -1 : 1)));
  const main = await esbuild.build({
    ...COMMON,
    entryPoints: { [MAIN]: path.join(SRC, "loader.js") },
    format: "esm",
    outdir: CHUNK_OUT,
    entryNames: "[name].[hash]",
    define: { __KEEPCART_VERSION__: JSON.stringify(VERSION) },
  });
  const [mainFile] = main.outputFiles;
  const mainName = path.basename(mainFile.path);
  files.set(`chunks/${mainName}`, mainFile.contents);
  sizes.unshift({ file: `chunks/${mainName}`, bytes: mainFile.contents, name: MAIN });

  const loader = await esbuild.build({
    ...COMMON,
    entryPoints: [path.join(SRC, "boot.js")],
    format: "iife",
    outfile: path.join(OUT, LOADER),
    define: {
      __KEEPCART_VERSION__: JSON.stringify(VERSION),
      __KEEPCART_MAIN__: JSON.stringify(mainName),
    },
  });
  const [loaderFile] = loader.outputFiles;
  files.set(LOADER, loaderFile.contents);
  sizes.unshift({ file: LOADER, bytes: loaderFile.contents, name: "boot" });

  const manifest = {
    loader: LOADER,
    main: `chunks/${mainName}`,
    chunks: sortedChunks,
    imports: Object.fromEntries(
      Object.entries(sortedChunks).map(([name, file]) => [name, fetchedWith(file, importsOf)]),
    ),
  };
  files.set(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return { files, sizes: measure(sizes, importsOf) };
}

/**
 * Each built file's row for the size table: {file, raw, gzip} and, for the loader and each
 * chunk (`name`), `counted` (its gzip size plus that of every shared file its import fetches),
 * `budget` and `ceiling` (the most it may count: its budget, or its OVER_BUDGET_CEILINGS entry);
 * a shared file has `in`, the chunks that fetch it, instead.
 */
export function measure(sizes, importsOf) {
  const gzip = new Map(sizes.map(({ file, bytes }) => [file, gzipSync(bytes, { level: 9 }).length]));
  const fetched = Object.fromEntries(
    sizes.filter((row) => row.name).map((row) => [row.file, fetchedWith(row.file, importsOf)]),
  );
  return sizes.map(({ file, bytes, name }) => {
    const row = { file, raw: bytes.length, gzip: gzip.get(file) };
    if (!name) {
      const users = sizes.filter((each) => each.name && fetched[each.file].includes(file));
      return { ...row, in: users.map((each) => each.name) };
    }
    const counted = fetched[file].reduce((sum, each) => sum + gzip.get(each), row.gzip);
    const budget = BUDGETS[name] ?? DEFAULT_CHUNK_BUDGET;
    return { ...row, counted, budget, ceiling: OVER_BUDGET_CEILINGS[name] || budget };
  });
}

/** Prints the size table; returns true when every chunk, counted with its imports, is within its ceiling. */
function report(rows) {
  const width = Math.max(...rows.map((row) => row.file.length), 4);
  const num = (value) => String(value ?? "").padStart(8);
  console.log(`${"file".padEnd(width)} ${num("raw")} ${num("gzip")} ${num("counted")} ${num("budget")}`);
  for (const row of rows) {
    let verdict = row.in ? `counted in ${row.in.join(", ")}` : "ok";
    if (row.counted > row.budget) verdict = `OVER BUDGET by ${row.counted - row.budget} bytes`;
    if (row.counted > row.budget && row.counted <= row.ceiling) verdict += ` (known; its ceiling is ${row.ceiling})`;
    console.log(
      `${row.file.padEnd(width)} ${num(row.raw)} ${num(row.gzip)} ${num(row.counted)} ${num(row.budget)}  ${verdict}`,
    );
  }
  console.log("counted: the file's gzip size plus that of every shared file its import fetches.");
  return rows.every((row) => !(row.counted > row.ceiling));
}

const existingChunks = () => (existsSync(CHUNK_OUT) ? readdirSync(CHUNK_OUT).sort() : []);

function write(files) {
  const wanted = new Set([...files.keys()].filter((file) => file.startsWith("chunks/")));
  for (const file of existingChunks()) {
    if (!wanted.has(`chunks/${file}`)) {
      rmSync(path.join(CHUNK_OUT, file), { recursive: true, force: true });
      console.log(`removed stale chunks/${file}`);
    }
  }
  for (const [relative, bytes] of files) {
    const target = path.join(OUT, relative);
    if (existsSync(target) && Buffer.from(bytes).equals(readFileSync(target))) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    console.log(`wrote ${toPosix(path.relative(path.dirname(HERE), target))}`);
  }
}

/** The differences between a fresh build and server/static/, as messages. */
function differences(files) {
  const problems = [];
  for (const [relative, bytes] of files) {
    const target = path.join(OUT, relative);
    if (!existsSync(target)) problems.push(`missing: server/static/${relative}`);
    else if (!Buffer.from(bytes).equals(readFileSync(target))) problems.push(`differs: server/static/${relative}`);
  }
  for (const file of existingChunks()) {
    if (!files.has(`chunks/${file}`)) problems.push(`stale: server/static/chunks/${file}`);
  }
  return problems;
}

async function main() {
  const check = process.argv.includes("--check");
  const { files, sizes } = await build();
  const withinBudget = report(sizes);
  if (check) {
    const problems = differences(files);
    for (const problem of problems) console.error(problem);
    if (problems.length) {
      console.error("server/static/ is stale: run `npm run build` in widget/ and commit the result.");
      process.exit(1);
    }
    console.log("server/static/ matches a fresh build.");
  } else {
    write(files);
  }
  if (!withinBudget) {
    console.error("A chunk, counted with the shared files it imports, is over its gzip budget.");
    process.exit(1);
  }
}

// Run as a script (node build.mjs); imported by its tests for measure() and fetchedWith().
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
