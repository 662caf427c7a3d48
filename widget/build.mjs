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
//                             store config tells the loader, which has no chunk map of its own)
// then prints every file's raw and gzip size against its gzip budget and exits 1 when one is
// over. The output depends only on the sources and the pinned esbuild: no timestamps, so a
// fresh build is byte-identical to the committed one.
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

/** Builds everything in memory: {files: Map(relative path -> bytes), sizes: [...]} */
async function build() {
  const files = new Map();
  const sizes = [];
  const chunkMap = {};
  const imports = {};

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

  if (entries.length) {
    const result = await esbuild.build({
      ...COMMON,
      entryPoints: entries.map((entry) => path.join(CHUNK_SRC, entry)),
      format: "esm",
      splitting: true,
      outdir: CHUNK_OUT,
      entryNames: "[name].[hash]",
      chunkNames: "shared.[hash]",
      metafile: true,
    });
    const byPath = new Map(result.outputFiles.map((file) => [path.resolve(file.path), file]));
    const relativeOf = (outPath) => toPosix(path.relative(OUT, path.resolve(outPath)));
    for (const [outPath, meta] of Object.entries(result.metafile.outputs)) {
      const file = byPath.get(path.resolve(outPath));
      const relative = relativeOf(outPath);
      const name = meta.entryPoint ? path.basename(meta.entryPoint, ".js") : "shared";
      if (meta.entryPoint) {
        chunkMap[name] = path.basename(file.path);
        imports[name] = meta.imports
          .filter((each) => each.kind === "import-statement")
          .map((each) => relativeOf(each.path));
      }
      files.set(relative, file.contents);
      sizes.push({ file: relative, bytes: file.contents, budget: BUDGETS[name] ?? DEFAULT_CHUNK_BUDGET });
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
  sizes.unshift({ file: `chunks/${mainName}`, bytes: mainFile.contents, budget: BUDGETS.main });

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
  sizes.unshift({ file: LOADER, bytes: loaderFile.contents, budget: BUDGETS.boot });

  const manifest = {
    loader: LOADER,
    main: `chunks/${mainName}`,
    chunks: Object.fromEntries(Object.entries(sortedChunks).map(([name, file]) => [name, `chunks/${file}`])),
    imports: Object.fromEntries(Object.keys(sortedChunks).map((name) => [name, imports[name].sort()])),
  };
  files.set(MANIFEST, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
  return { files, sizes };
}

/** Prints the size table; returns true when every file is within its budget. */
function report(sizes) {
  const rows = sizes.map(({ file, bytes, budget }) => {
    const gzip = gzipSync(bytes, { level: 9 }).length;
    return { file, raw: bytes.length, gzip, budget, ok: gzip <= budget };
  });
  const width = Math.max(...rows.map((row) => row.file.length), 4);
  const num = (value) => String(value).padStart(8);
  console.log(`${"file".padEnd(width)} ${num("raw")} ${num("gzip")} ${num("budget")}`);
  for (const row of rows) {
    const verdict = row.ok ? "ok" : `OVER BUDGET by ${row.gzip - row.budget} bytes`;
    console.log(`${row.file.padEnd(width)} ${num(row.raw)} ${num(row.gzip)} ${num(row.budget)}  ${verdict}`);
  }
  return rows.every((row) => row.ok);
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
  console.error("A built file is over its gzip budget.");
  process.exit(1);
}
