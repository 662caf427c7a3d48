// The one element Keepcart adds to the page: <div id="keepcart-root"> with an open shadow
// root that holds all Keepcart UI. It is created on first use and styled only from inside
// its shadow root (constructable stylesheets: no <style> elements, no style attributes), as
// a fixed, zero-size box, so it never shifts the page's layout.
import { HOST_ID, HOST_Z_INDEX } from "./constants.js";

// `!important` because, for normal declarations, the page's own rules (say `body > div
// {position: relative}`) beat `:host` rules; important ones inside the shadow root win.
const HOST_CSS =
  ":host{all:initial!important;position:fixed!important;top:0!important;left:0!important;" +
  `width:0!important;height:0!important;z-index:${HOST_Z_INDEX}!important}`;

let root = null;

/** Add a stylesheet built from `css` to a shadow root; returns the CSSStyleSheet. */
export function adopt(shadow, css) {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  return sheet;
}

/** The shared shadow root, creating (or re-attaching) its host element when needed. */
export function getRoot() {
  if (!root) {
    let host = document.getElementById(HOST_ID);
    root = host?.shadowRoot;
    if (!root) {
      if (!host) {
        host = document.createElement("div");
        host.id = HOST_ID;
      }
      root = host.attachShadow({ mode: "open" });
      adopt(root, HOST_CSS);
    }
  }
  // Single-page apps sometimes replace <body>'s children: put the host back.
  if (!root.host.isConnected) (document.body || document.documentElement).append(root.host);
  return root;
}
