#!/usr/bin/env node
// Builds the widget into ../server/static/:
//   chunks/{name}.{hash}.js  one ES module per src/chunks/*.js, built on its own: whatever it
//                            imports is in its one file (stale chunk files removed)
//   chunks/main.{hash}.js    the loader proper (src/loader.js, an ES module of its own): it
//                            learns the chunks from the store config
//   keepcart.js              the first stage (src/boot.js, IIFE): all that runs while the
//                            page loads; it imports main after the page's load
//   manifest.json            {"loader": "keepcart.js", "main": "chunks/main.hash.js",
//                             "chunks": {name: "chunks/name.hash.js"},
//                             "imports": {name: [every other file its import fetches]}} (the
//                             server's store config tells the loader, which has no chunk map of
//                             its own; "imports" is empty for every chunk, each being one file)
// esbuild bundles, terser minifies (its output is some 6% smaller gzipped than esbuild's own
// minifier here), and {hash} is of the minified file. Then it prints every file's raw and gzip
// size and, for each chunk, its size counted with every file its import fetches (what a page
// fetches to run it) against its gzip budget, and exits 1 when one is over. The output depends
// only on the sources and the pinned esbuild and terser: no timestamps, so a fresh build is
// byte-identical to the committed one.
//
//   node build.mjs          build and write server/static/
//   node build.mjs --check  build in memory, write nothing; exit 1 if server/static/ differs
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";
import { minify } from "terser";

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
const CHUNK_NAME = /^[a-z][a-z0-9-]*$/;

// Bundling only: terser minifies what esbuild writes (see minified()).
// Each feature's stylesheet (`export const STYLES = \`…\`` in src/*/styles.js) is written a rule
// or two per line for its readers; the line breaks go in the build: after `;`, `{`, `}` or `,`,
// or before `}`, nothing is lost, and anywhere else a space keeps the tokens apart.
const compactStyles = {
  name: "compact-styles",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]\w+[\\/]styles\.js$/ }, ({ path: file }) => ({
      contents: readFileSync(file, "utf8").replace(
        /(export const STYLES = `)([\s\S]*?)(`;)/,
        (_, start, css, end) => start + compactCss(css) + end,
      ),
      loader: "js",
    }));
  },
};

/** `css` without its line breaks (see compactStyles). */
export const compactCss = (css) =>
  css.replace(/\n+/g, (breaks, at) =>
    css[at - 1] === "\\" // a line continuation (badges' sheet): the literal has no break there
      ? breaks
      : at === 0 || /[;{},]/.test(css[at - 1]) || css[at + breaks.length] === "}"
        ? ""
        : " ",
  );

const COMMON = {
  plugins: [compactStyles],
  bundle: true,
  target: "es2020",
  platform: "browser",
  legalComments: "none",
  charset: "ascii",
  write: false,
  logLevel: "warning",
};
// Terser's safe defaults (no `unsafe*` compress option), ES2020 out, ASCII only as esbuild's
// charset, no comments left.
const TERSER = { ecma: 2020, compress: { passes: 2 }, mangle: true, format: { ascii_only: true, comments: false } };

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

/** `code` (esbuild's bundle) minified by terser: an ES module, or a classic `script`. */
async function minified(code, script = false) {
  const result = await minify(code, { ...TERSER, module: !script });
  return new TextEncoder().encode(result.code);
}

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** "{name}.{hash}.js": 8 base-32 characters of the SHA-256 of `bytes` (esbuild's style). */
function hashedName(name, bytes) {
  const top40 = createHash("sha256").update(bytes).digest().readUIntBE(0, 5);
  let hash = "";
  for (let shift = 35; shift >= 0; shift -= 5) hash += BASE32[Math.floor(top40 / 2 ** shift) % 32];
  return `${name}.${hash}.js`;
}

/**
 * Chunk `entry` built on its own: {file, bytes, name}. A chunk is one file, so what a page
 * fetches for it is that file: a build that made another (code split off, an asset) would
 * need counting too, so it stops here instead.
 */
async function buildChunk(entry) {
  const name = entry.slice(0, -3);
  const result = await esbuild.build({
    ...COMMON,
    entryPoints: [path.join(CHUNK_SRC, entry)],
    format: "esm",
    outdir: CHUNK_OUT,
    metafile: true,
    define: { __KEEPCART_CHUNK__: JSON.stringify(name) }, // (ids: checkout/dom.js uid())
  });
  const [output, ...more] = Object.values(result.metafile.outputs);
  if (more.length || output.imports.length) {
    throw new Error(`chunk ${name}: its build made more than one file; a chunk must be one file`);
  }
  const bytes = await minified(result.outputFiles[0].text);
  return { file: `chunks/${hashedName(name, bytes)}`, bytes, name };
}

/**
 * Every file a chunk's import fetches: `file` and, transitively, the files it imports
 * statically (`importsOf`: file -> the files it imports). None today: each chunk is one file.
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
  const chunks = await Promise.all(chunkEntries().map(buildChunk));
  const files = new Map(chunks.map(({ file, bytes }) => [file, bytes]));
  const sortedChunks = Object.fromEntries(
    chunks.map(({ name, file }) => [name, file]).sort(([a], [b]) => (a < b ? -1 : 1)),
  );

  const main = await esbuild.build({
    ...COMMON,
    entryPoints: [path.join(SRC, "loader.js")],
    format: "esm",
    outdir: CHUNK_OUT,
    define: { __KEEPCART_VERSION__: JSON.stringify(VERSION) },
  });
  const mainBytes = await minified(main.outputFiles[0].text);
  const mainName = hashedName(MAIN, mainBytes);
  files.set(`chunks/${mainName}`, mainBytes);

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
  const loaderBytes = await minified(loader.outputFiles[0].text, true);
  files.set(LOADER, loaderBytes);

  const importsOf = {}; // (each chunk is one file: it imports none)
  const manifest = {
    loader: LOADER,
    main: `chunks/${mainName}`,
    chunks: sortedChunks,
    imports: Object.fromEntries(
      Object.entries(sortedChunks).map(([name, file]) => [name, fetchedWith(file, importsOf)]),
    ),
  };
  files.set(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  const sizes = [
    { file: LOADER, bytes: loaderBytes, name: "boot" },
    { file: `chunks/${mainName}`, bytes: mainBytes, name: MAIN },
    ...chunks,
  ];
  return { files, sizes: measure(sizes, importsOf) };
}

/**
 * Each built file's row for the size table: {file, raw, gzip} and, for the loader and each
 * chunk (`name`), `counted` (its gzip size plus that of every file its import fetches) and
 * `budget`; a file no chunk is (fetched by a chunk's import) has `in`, the chunks that fetch
 * it, instead.
 */
export function measure(sizes, importsOf) {
  // As `gzip -9 file` counts it: the stream, and the header's copy of the file's name (FNAME,
  // zero-terminated), which zlib's gzipSync leaves out.
  const gzipped = (file, bytes) => gzipSync(bytes, { level: 9 }).length + path.basename(file).length + 1;
  const gzip = new Map(sizes.map(({ file, bytes }) => [file, gzipped(file, bytes)]));
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
    return { ...row, counted, budget: BUDGETS[name] ?? DEFAULT_CHUNK_BUDGET };
  });
}

/** The size table's rows over their budget (counted with what their import fetches). */
export const overBudget = (rows) => rows.filter((row) => row.counted > row.budget);

/** Prints the size table; returns true when every chunk, counted with what its import fetches, is within its budget. */
function report(rows) {
  const width = Math.max(...rows.map((row) => row.file.length), 4);
  const num = (value) => String(value ?? "").padStart(8);
  console.log(`${"file".padEnd(width)} ${num("raw")} ${num("gzip")} ${num("counted")} ${num("budget")}`);
  for (const row of rows) {
    let verdict = row.in ? `counted in ${row.in.join(", ")}` : "ok";
    if (row.counted > row.budget) verdict = `OVER BUDGET by ${row.counted - row.budget} bytes`;
    console.log(
      `${row.file.padEnd(width)} ${num(row.raw)} ${num(row.gzip)} ${num(row.counted)} ${num(row.budget)}  ${verdict}`,
    );
  }
  console.log("counted: the file's gzip size plus that of every file its import fetches.");
  return overBudget(rows).length === 0;
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

// Run as a script (node build.mjs); imported by its tests for measure(), overBudget() and fetchedWith().
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
