// Modal sheets built on <dialog>.showModal(): the browser makes the page behind inert and puts
// the sheet in the top layer (no z-index fights, nothing on the host page changes, so no
// layout shift). On top of that: Tab wraps inside the sheet, Esc closes it, focus returns to
// the element that opened it, and each sheet has a polite live region for announcements.
import { h } from "./dom.js";
import { api } from "./env.js";

const FOCUSABLE = "a[href],button,input,select,textarea,[tabindex]";
const open = []; // the sheets that are open, topmost last
let pageStatus;

function focusables(el) {
  return [...el.querySelectorAll(FOCUSABLE)].filter(
    (node) =>
      !node.disabled &&
      node.tabIndex >= 0 &&
      !(node.type === "radio" && !node.checked && node.form?.elements[node.name]?.value) &&
      node.checkVisibility?.({ visibilityProperty: true }) !== false,
  );
}

function trapTab(event, el) {
  if (event.key !== "Tab") return;
  const list = focusables(el);
  const active = api.root.activeElement;
  const [first, last] = [list[0], list[list.length - 1]];
  if (event.shiftKey ? active === first || !el.contains(active) : active === last) {
    event.preventDefault();
    (event.shiftKey ? last : first)?.focus();
  }
}

/**
 * A modal sheet: {el, status, opener, open(opener, focusTarget), close(how), isOpen()}.
 * `onClose(how)` runs after it closed: by close(how), Esc ("esc") or the backdrop
 * ("backdrop", when `lightDismiss`);
 * `canClose()` may refuse (e.g. while an order is being placed).
 */
export function sheet({ className, labelledBy, onClose, canClose = () => true, lightDismiss }) {
  const status = h("p", { class: "kc-sr", role: "status" });
  const el = h("dialog", {
    class: `kc ${className}`,
    role: "dialog",
    "aria-modal": "true",
    "aria-labelledby": labelledBy,
    onkeydown: (event) => trapTab(event, el),
    oncancel: (event) => {
      event.preventDefault();
      if (canClose()) close("esc");
    },
    onclick: (event) => {
      if (lightDismiss && event.target === el) close("backdrop");
    },
  });
  el.append(status);

  function close(how) {
    if (!el.open) return;
    el.close();
    open.splice(open.indexOf(self), 1);
    if (self.opener?.isConnected) self.opener.focus();
    self.opener = null;
    onClose?.(how);
  }

  const self = {
    el,
    status,
    isOpen: () => el.open,
    close,
    opener: null, // what gets focus back on close
    /** Show the sheet; focus goes to `focusTarget` (or the first control). */
    open(from, focusTarget) {
      if (el.open) return;
      self.opener = from || api.root.activeElement || document.activeElement;
      if (!el.isConnected) api.root.append(el);
      el.showModal();
      open.push(self);
      (focusTarget || focusables(el)[0])?.focus();
    },
  };
  return self;
}

/** Say `text` politely to screen readers, in the topmost open sheet (or on the page). */
export function announce(text) {
  let region = open[open.length - 1]?.status;
  if (!region) {
    if (!pageStatus?.isConnected) {
      pageStatus = h("p", { class: "kc-sr", role: "status" });
      api.root.append(pageStatus);
    }
    region = pageStatus;
  }
  // Cleared first, so that the same words twice are read twice.
  region.textContent = "";
  setTimeout(() => {
    region.textContent = text;
  }, 50);
}
