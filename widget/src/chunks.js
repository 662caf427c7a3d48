// Feature chunks: ES modules at {origin}/v1/chunks/{name}.{hash}.js, loaded with import()
// and mounted once. The name -> file map is written in at build time by build.mjs.
/* global __KEEPCART_CHUNKS__ */
import { PATH_CHUNKS } from "./constants.js";
import { has, warn } from "./log.js";

const CHUNKS = __KEEPCART_CHUNKS__;
const loading = Object.create(null);

export const hasChunk = (name) => has(CHUNKS, name);

/**
 * Load chunk `name` from `origin` and await its mount(api). Resolves to the module, or to
 * null (with one console warning) when the chunk is unknown or fails; loads each chunk once.
 */
export function loadChunk(origin, name, api) {
  name = String(name);
  loading[name] ||= (async () => {
    if (!hasChunk(name)) throw new Error(`no chunk is named "${name}"`);
    const module = await import(origin + PATH_CHUNKS + CHUNKS[name]);
    await module.mount?.(api);
    return module;
  })().catch((error) => {
    warn(`chunk:${name}`, `the "${name}" feature could not start`, error);
    return null;
  });
  return loading[name];
}
