// Form fields with their validation rules. Each field knows its problem ("" when fine); the
// message is shown once the shopper has typed and left the field (or on submit), tied to the
// control with aria-invalid and aria-describedby. The rules mirror the server's, which checks
// everything again; its field errors are shown through the same show().
import { h, icon, listen, showAlert, uid } from "./dom.js";

export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const PHONE = /^\+?[\d\s().-]{6,20}$/;

export const rules = {
  email: (value) => (EMAIL.test(value) && value.length <= 254 ? "" : "Enter an email address like name@example.com."),
  phone: (value) =>
    !value || (PHONE.test(value) && value.replace(/\D/g, "").length >= 6)
      ? ""
      : "Enter a phone number, like +353 1 234 5678.",
  cardNumber(value) {
    const digits = value.replace(/[\s-]/g, "");
    if (!/^\d{12,19}$/.test(digits)) return "Enter the card number.";
    let sum = 0;
    for (let i = 0; i < digits.length; i++) {
      let digit = Number(digits[digits.length - 1 - i]);
      if (i % 2) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    return sum % 10 ? "That card number isn't valid. Check it and try again." : "";
  },
  expiry(value, now = new Date()) {
    const match = /^(\d{1,2})\s*\/\s*(\d{2})$/.exec(value);
    const month = match && Number(match[1]);
    if (!match || month < 1 || month > 12) return "Enter the expiry date as MM/YY.";
    const year = 2000 + Number(match[2]);
    const expired = year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1);
    return expired ? "This card has expired." : "";
  },
  cvc: (value) => (/^\d{3,4}$/.test(value) ? "" : "Enter the 3- or 4-digit security code."),
};

/** Connect a control to its message and hint: aria-invalid and aria-describedby. */
function describe(control, error, hint, message) {
  showAlert(error, message);
  if (message) control.setAttribute("aria-invalid", "true");
  else control.removeAttribute("aria-invalid");
  const ids = [hint?.id, message && error.id].filter(Boolean).join(" ");
  if (ids) control.setAttribute("aria-describedby", ids);
  else control.removeAttribute("aria-describedby");
}

/**
 * A labelled <input> (or <select> with `options` [[value, label], …]).
 * `check(value)` returns a message or ""; `required` is the message for an empty value.
 * Returns {el, control, value(), problem(), show(message), validate(), focus()}.
 */
export function field({
  label,
  name,
  required,
  check,
  options,
  hint,
  onchange,
  className = "",
  markOptional = true,
  ...attributes
}) {
  const id = uid(name);
  const control = options
    ? h(
        "select",
        { id, name, required: Boolean(required), ...attributes },
        options.map(([value, text]) => h("option", { value }, text)),
      )
    : h("input", { id, name, type: "text", required: Boolean(required), spellcheck: "false", ...attributes });
  const hintEl = hint && h("p", { class: "kc-hint", id: `${id}-hint` }, hint);
  const error = h("p", { class: "kc-err", id: `${id}-error`, hidden: true });
  const el = h(
    "div",
    { class: `kc-field ${className}` },
    h("label", { for: id }, label, !required && markOptional && h("span", { class: "kc-optional" }, " (optional)")),
    options ? h("div", { class: "kc-select" }, control, icon("chevron")) : control,
    hintEl,
    error,
  );
  let dirty = false;
  const self = {
    el,
    control,
    name,
    value: () => control.value.trim(),
    problem: () => (self.value() ? check?.(self.value()) || "" : required || ""),
    show: (message) => describe(control, error, hintEl, message),
    validate() {
      const message = self.problem();
      self.show(message);
      return !message;
    },
    focus: () => control.focus(),
  };
  describe(control, error, hintEl, "");
  listen(control, options ? "change" : "input", () => {
    dirty = true;
    if (!error.hidden) self.validate();
  });
  listen(control, "blur", () => dirty && self.validate());
  if (onchange) listen(control, "change", onchange);
  return self;
}

/**
 * A radio group in a fieldset: choices are [{value, main, side, detail, key}], where `detail`
 * shows only while the choice is checked. Same interface as field(), plus set(choices).
 */
export function radioGroup({ legend, name, required, onchange }) {
  const error = h("p", { class: "kc-err", id: uid(`${name}-error`), hidden: true });
  const list = h("div", { class: "kc-choices" });
  const el = h("fieldset", { class: "kc-group" }, h("legend", { class: "kc-sr" }, legend), list, error);
  const radios = () => [...list.querySelectorAll("input")];
  let shown = ""; // the choices on display, as a signature
  const checked = () => radios().find((radio) => radio.checked);
  const self = {
    el,
    name,
    value: () => checked()?.value ?? "",
    problem: () => (self.value() ? "" : required),
    show(message) {
      showAlert(error, message);
      if (message) el.setAttribute("aria-describedby", error.id);
      else el.removeAttribute("aria-describedby");
      el.classList.toggle("kc-invalid", Boolean(message));
    },
    validate() {
      const message = self.problem();
      self.show(message);
      return !message;
    },
    focus: () => (checked() || radios()[0] || el).focus(),
    /**
     * Show `choices` with `selected` (a value) checked. Unchanged choices (same `key`s) are
     * kept as they are, so keyboard focus and the screen reader's place are not lost.
     */
    set(choices, selected) {
      const signature = JSON.stringify(choices.map((choice) => choice.key ?? choice.value));
      const focused = list.contains(el.getRootNode().activeElement) && self.value();
      if (signature === shown) {
        for (const radio of radios()) radio.checked = String(radio.value) === String(selected);
        return mark();
      }
      shown = signature;
      const id = uid(name);
      list.replaceChildren(
        ...choices.map((choice, index) =>
          h(
            "div",
            { class: "kc-choice" },
            h(
              "label",
              {},
              h("input", {
                type: "radio",
                name: id,
                value: choice.value,
                checked: String(choice.value) === String(selected),
                onchange: () => {
                  self.show("");
                  mark();
                  onchange?.(choice.value);
                },
                // Instructions describe their choice; card fields are announced on their own.
                "aria-describedby": typeof choice.detail === "string" ? `${id}-${index}` : null,
              }),
              h("span", { class: "kc-choice-main" }, choice.main),
              choice.side != null && h("span", { class: "kc-choice-side" }, choice.side),
            ),
            choice.detail && h("div", { class: "kc-choice-detail", id: `${id}-${index}` }, choice.detail),
          ),
        ),
      );
      mark();
      if (focused)
        radios()
          .find((radio) => radio.value === focused)
          ?.focus();
    },
  };
  // The checked choice gets kc-on: its details show, its border is highlighted.
  const mark = () => {
    for (const choice of list.children) choice.classList.toggle("kc-on", choice.querySelector("input").checked);
  };
  return self;
}
