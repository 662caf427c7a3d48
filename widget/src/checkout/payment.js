// The payment section: one radio per method the store offers. The test card shows its card
// fields and a clear TEST MODE label; offline methods show their instructions.
import { h, icon, listen } from "./dom.js";
import { field, radioGroup, rules } from "./fields.js";

export const TEST_CARD = "test_card";
const TEST_NUMBER = "4242 4242 4242 4242";

const digits = (value) => value.replace(/\D/g, "");

// "4242424242424242" → "4242 4242 4242 4242", as the shopper types.
function groupCardNumber(input) {
  const grouped = digits(input.value)
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, "$1 ");
  if (grouped !== input.value) input.value = grouped;
}

// "1234" → "12 / 34"; deleting works as usual.
function formatExpiry(input, event) {
  if (!event.inputType?.startsWith("insert")) return;
  const value = digits(input.value).slice(0, 4);
  input.value = value.length > 2 ? `${value.slice(0, 2)} / ${value.slice(2)}` : value;
}

function cardFields(method) {
  const number = field({
    label: "Card number",
    name: "cc-number",
    autocomplete: "cc-number",
    inputmode: "numeric",
    maxlength: 23,
    required: "Enter the card number.",
    check: rules.cardNumber,
  });
  listen(number.control, "input", () => groupCardNumber(number.control));
  const expiry = field({
    label: "Expiry (MM/YY)",
    name: "cc-exp",
    autocomplete: "cc-exp",
    inputmode: "numeric",
    placeholder: "MM / YY",
    maxlength: 7,
    required: "Enter the expiry date as MM/YY.",
    check: (value) => rules.expiry(value),
  });
  listen(expiry.control, "input", (event) => formatExpiry(expiry.control, event));
  const cvc = field({
    label: "Security code",
    name: "cc-csc",
    autocomplete: "cc-csc",
    inputmode: "numeric",
    maxlength: 4,
    required: "Enter the security code.",
    check: rules.cvc,
    hint: "3 or 4 digits on the card",
  });
  const panel = h(
    "div",
    { class: "kc-card" },
    method.test_mode &&
      h(
        "p",
        { class: "kc-test" },
        h("strong", {}, "TEST MODE"),
        ` — use ${TEST_NUMBER}, any future date and any 3 digits.`,
      ),
    number.el,
    h("div", { class: "kc-cols", "data-cols": "2" }, expiry.el, cvc.el),
  );
  return { panel, number, expiry, cvc };
}

/** {el, fields, method(), payment(), done()} for the store's payment methods. */
export function paymentSection(setup, onChange) {
  const group = radioGroup({
    legend: "Payment method",
    name: "pay",
    required: "Choose a payment method.",
    onchange: onChange,
  });
  const card = setup.payment_methods.some((method) => method.id === TEST_CARD)
    ? cardFields(setup.payment_methods.find((method) => method.id === TEST_CARD))
    : null;
  group.set(
    setup.payment_methods.map((method) => ({
      value: method.id,
      main: [method.id === TEST_CARD ? icon("lock") : null, method.label || method.id],
      side: method.test_mode ? h("span", { class: "kc-pill" }, "Test") : null,
      detail: method.id === TEST_CARD ? card.panel : method.instructions || null,
    })),
    setup.payment_methods[0]?.id,
  );
  const method = () => group.value();
  const cardParts = card ? [card.number, card.expiry, card.cvc] : [];
  const active = () => [group, ...(method() === TEST_CARD ? cardParts : [])];
  return {
    el: group.el,
    fields: {
      "payment.method": group,
      "payment.card.number": card?.number,
      "payment.card.expiry": card?.expiry,
      "payment.card.cvc": card?.cvc,
    },
    method,
    /** The fields that count now: the card fields only while paying by card. */
    active,
    done: () => active().every((each) => !each.problem()),
    payment() {
      if (method() !== TEST_CARD) return { method: method() };
      const [month, year] = card.expiry
        .value()
        .split("/")
        .map((part) => part.trim());
      return {
        method: TEST_CARD,
        card: {
          number: digits(card.number.value()),
          expiry: `${month.padStart(2, "0")}/${year}`,
          cvc: card.cvc.value(),
        },
      };
    },
  };
}
