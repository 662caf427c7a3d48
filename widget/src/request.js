// fetch() to the Keepcart API for feature chunks (the loader's api.request): same origin as
// the loader, no cookies, JSON both ways.

/**
 * `request(path, options)` resolves to the parsed JSON answer (null when it has none).
 * `options` are fetch()'s; a plain-object or array `body` is sent as JSON (cross-origin,
 * that means a CORS preflight), and `headers` must then be a plain object. A non-2xx
 * answer rejects with an Error carrying `status`, the server's error `code` and `field`,
 * and the whole answer as `body`.
 */
export const createRequest =
  (origin) =>
  async (path, options = {}) => {
    if (path[0] !== "/") throw new TypeError("request(path): path must start with /");
    let { body, headers } = options;
    if (Array.isArray(body) || body?.constructor === Object) {
      body = JSON.stringify(body);
      headers = { "Content-Type": "application/json", ...headers };
    }
    const response = await fetch(origin + path, {
      ...options,
      body,
      headers,
      credentials: "omit", // (and mode "cors", fetch's default)
    });
    const data = await response.json().catch(() => null);
    if (response.ok) return data;
    const { message = `HTTP ${response.status}`, ...error } = data?.error || {};
    throw Object.assign(new Error(message), error, { status: response.status, body: data });
  };
