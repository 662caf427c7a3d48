// Feature chunks: ES modules the store config names (config.chunks, see loader.js), each
// loaded and mounted once. In the background a chunk's file is fetched with a low priority
// hint (a <link rel="modulepreload" fetchpriority="low">) and imported when the page is idle; a
// shopper waiting for it (a click on the cart) imports it at once.
import { has, warn } from "./log.js";

const paths = {}; // name -> path on the API origin
const loading = {}; // name -> the promise of its module

/** When the page is idle (at the latest after 2 s); setTimeout where unsupported. */
export const idle = (fn) => (self.requestIdleCallback || setTimeout)(fn, { timeout: 2000 });

/** Resolves in a task of its own: what follows an `await breathe()` lets the page run first. */
export const breathe = () => new Promise((resolve) => setTimeout(resolve));

/** The chunks this store has: config.chunks, [{name, src}, …]. */
export function knowChunks(list) {
  for (const chunk of list) if (/^\/[\w./-]+\.js$/.test(chunk?.src)) paths[chunk.name] = chunk.src;
}

export const hasChunk = (name) => has(paths, name);

/**
 * Load chunk `name` from `origin` now and await its mount(api). Resolves to the module, or
 * to null (with one console warning) when the chunk is unknown or fails.
 */
export const loadChunk = (origin, name, api) =>
  (loading[name] ||= (async () => {
    if (!hasChunk(name)) throw new Error(`no chunk is named "${name}"`);
    const module = await import(origin + paths[name]);
    await breathe(); // evaluating the module (its first run) and mounting it: two tasks
    await module.mount?.(api);
    return module;
  })().catch((error) => {
    warn(`chunk:${name}`, `the "${name}" feature could not start`, error);
    return null;
  }));

/**
 * Load `chunk` in the background: its own file fetched with a low priority hint, then
 * loadChunk() when the page is idle. A chunk is one file (build.mjs): the hint fetches all
 * of it.
 */
export function preloadChunk(origin, chunk, api) {
  // Each link costs the page a few ms at 4× CPU: one per idle moment, not all in setup's task.
  idle(() => {
    const link = document.createElement("link");
    link.rel = "modulepreload";
    link.fetchPriority = "low";
    link.crossOrigin = "anonymous";
    link.href = origin + paths[chunk.name];
    link.onload = link.onerror = () => idle(() => loadChunk(origin, chunk.name, api));
    document.head.append(link);
  });
}
