// A survey's questions one at a time: in a modal sheet over the page (../checkout/dialog.js:
// top layer, the page behind inert, Tab kept in, Esc, the backdrop and × close it, focus goes
// back), or inline in the checkout's confirmation. Each question is a fieldset whose legend
// ("Question 2 of 3", then the prompt) labels the group and the sheet, read out as focus
// moves to the question's first control; the server's error shows in a role=alert line; Skip
// is offered for optional questions only. An answer goes to the server before the next
// question shows, so each one is saved as it is given.
import { sheet } from "../checkout/dialog.js";
import { h, uid } from "../checkout/dom.js";
import { problem } from "../checkout/messages.js";
import { questionControls } from "./questions.js";
import { answerValue } from "./rules.js";

const THANKS = "Thank you for your answer.";
const NEEDED = "Please answer this question.";

/**
 * The form for `survey` (the state endpoint's survey), from question `start`; a modal sheet,
 * or inline appended to `slot`. `send(key, value, consent, picked)` saves an answer and
 * resolves to {next, done} (or rejects with the server's error), and to {next, survey} when
 * the survey changed since the form showed: it goes on as that survey from then on.
 * `onClose(how)` runs when the sheet closes ("close", "esc", "backdrop"; none when close()
 * closed it). `note`: a line above the questions (preview and debug modes). Returns
 * {close()}, which closes the sheet.
 */
export function surveyForm(survey, { slot, start, send, onClose, note }) {
  const error = h("p", { class: "kcs-err", role: "alert", hidden: true });
  const go = h("button", { class: "kcs-go" });
  const skip = h("button", { type: "button", onclick: () => submit(true) }, "Skip");
  let fieldset = h("fieldset");
  const form = h(
    "form",
    {
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        submit();
      },
    },
    note && h("p", { class: "kcs-m" }, note),
    fieldset,
    error,
    h("div", { class: "kcs-b" }, go, skip),
  );
  const dialog = !slot && sheet({ className: "kcs", lightDismiss: true, onClose });
  const box = dialog ? dialog.el : h("section", { class: "kcs" });
  let question;
  let controls;

  const fail = (message) => {
    error.hidden = !message;
    error.textContent = message;
  };

  /** Show question `key`; returns its first control. */
  function ask(key) {
    const { questions } = survey;
    question = questions.find((each) => each.key === key);
    const legendId = uid("sq");
    const index = questions.indexOf(question) + 1;
    const count = questions.length;
    controls = questionControls(question, legendId);
    const legend = h(
      "legend",
      { id: legendId },
      count > 1 && h("span", { class: "kcs-m" }, `Question ${index} of ${count} `),
      question.prompt,
    );
    const next = h("fieldset", { "aria-describedby": controls.ends }, legend, controls.nodes);
    fieldset.replaceWith(next);
    fieldset = next;
    box.setAttribute("aria-labelledby", legendId);
    go.textContent = index < count ? "Next" : "Send";
    skip.hidden = question.required;
    fail("");
    return fieldset.querySelector("input,textarea");
  }

  async function submit(skipping) {
    if (go.disabled) return; // an answer is on its way
    const { picked, text, consent } = controls.read();
    const value = skipping ? null : answerValue(question, picked, text);
    if (value == null && question.required) return fail(NEEDED);
    go.disabled = true;
    try {
      const { next, done, survey: changed } = await send(question.key, value, consent, picked);
      survey = changed || survey;
      if (done || !next) {
        const thanks = h("p", { id: uid("st"), tabindex: "-1" }, survey.thanks || THANKS);
        form.replaceWith(thanks);
        box.setAttribute("aria-labelledby", thanks.id);
        thanks.focus();
      } else ask(next)?.focus();
    } catch (failure) {
      fail(problem(failure));
    }
    go.disabled = false;
  }

  if (dialog) {
    const close = () => dialog.close("close");
    box.append(
      h("button", { type: "button", class: "kcs-x", "aria-label": "Close survey", onclick: close }, "×"),
      form,
    );
    dialog.open(null, ask(start));
  } else {
    box.append(form);
    slot.append(box);
    ask(start);
  }
  return { close: () => dialog?.close() };
}
