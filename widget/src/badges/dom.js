// The badges' own DOM helpers, not the checkout's: the badges chunk is built alone (as every
// chunk is: build.mjs), so whatever it imports is in its one file, and the checkout's helpers
// (all its icons, its shared root and error report) would weigh more there than these few lines.

let warn = () => {};

/** Where an error in the badges' listeners and callbacks goes (a console warning), never the page. */
export const reportTo = (fn) => {
  warn = fn;
};

/** `fn` (async or not) with nothing it throws or rejects with reaching the host page. */
export const safe =
  (fn) =>
  (...args) => {
    try {
      const result = fn(...args);
      return result?.catch ? result.catch(warn) : result;
    } catch (error) {
      warn(error);
    }
  };

/**
 * h("button", {class, onclick, "aria-label": …}, ...children): props starting with "on" become
 * listeners (wrapped by safe()), the others attributes (null and false left out); children may
 * be strings, nodes, arrays or nothing.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), safe(value));
    else el.setAttribute(key, value);
  }
  el.append(...children.flat(9).filter((child) => child != null && child !== false));
  return el;
}

/** A 24×24 stroked mark drawn by the path `d`, hidden from assistive technology. */
export function pathIcon(d) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(svg.namespaceURI, "path");
  path.setAttribute("d", d);
  svg.append(path);
  return svg;
}
