// One question's controls, for the form's fieldset (whose legend is the prompt): native inputs
// only, so the browser gives keyboard and screen-reader behaviour for free. Choices are radios
// or checkboxes in labels, "Other" with a labelled text field (typing there picks it); every scale
// (rating, NPS, CES, CSAT) is one radio group of numbers (or ★ with "n of N" for screen
// readers), its end labels describing the group; text is an input or a textarea with the
// server's maxlength; an email comes with its consent checkbox.
import { h, uid } from "../checkout/dom.js";
import { shuffled } from "./rules.js";

const OTHER_LABEL = "If other, tell us";

/**
 * The controls of `question`, labelled by the legend `legendId`: {nodes, ends, read()}; `ends`
 * the id of the scale's end labels, if any; read() gives {picked: [option keys, or the score],
 * text, consent}.
 */
export function questionControls(question, legendId) {
  const name = uid("so");
  const { type, options = [] } = question;
  const inputs = [];
  const input = (value, kind = "radio") => {
    const el = h("input", { type: kind, name, value });
    inputs.push(el);
    return el;
  };
  let nodes;
  let ends; // the scale's end labels' id: they describe the group
  let text = null;
  let consent = null;
  if (options.length) {
    let other;
    const choices = (question.shuffle ? shuffled(options) : options).map((option) => {
      const el = input(option.key, type === "single" ? "radio" : "checkbox");
      if (option.other) other = el;
      return h("label", { class: "kcs-o" }, el, h("span", {}, option.label));
    });
    if (other) {
      const pick = () => {
        other.checked = true;
      };
      text = h("input", { type: "text", maxlength: 200, oninput: pick });
    }
    // The box's visible label names it too (the order-status page words it the same way).
    nodes = [choices, text && h("label", { class: "kcs-t" }, h("span", {}, OTHER_LABEL), text)];
  } else if (question.high) {
    const stars = question.style === "stars";
    const scale = [];
    for (let n = question.low; n <= question.high; n++) {
      const words = stars
        ? [h("span", { "aria-hidden": "true" }, "★"), h("span", { class: "kc-sr" }, `${n} of ${question.high}`)]
        : n;
      scale.push(h("label", { class: "kcs-n" }, input(n), words));
    }
    if (question.low_label || question.high_label) ends = uid("se");
    nodes = [
      h("div", { class: stars ? "kcs-sc kcs-st" : "kcs-sc" }, scale),
      ends &&
        h(
          "p",
          { id: ends, class: "kcs-e kcs-m" },
          h("span", {}, question.low_label),
          h("span", {}, question.high_label),
        ),
    ];
  } else {
    const email = type === "email";
    const long = type === "long_text";
    text = h(long ? "textarea" : "input", {
      type: email ? "email" : !long && "text",
      maxlength: question.max_length,
      autocomplete: email && "email",
      "aria-labelledby": legendId,
    });
    if (email) consent = h("input", { type: "checkbox" });
    nodes = [text, consent && h("label", { class: "kcs-c" }, consent, h("span", {}, question.consent_text))];
  }
  return {
    nodes,
    ends,
    read: () => ({
      picked: inputs.filter((el) => el.checked).map((el) => el.value),
      text: text?.value || "",
      consent: consent?.checked,
    }),
  };
}
