// Checkout's cart-reminder contact (src/checkout/address.js, reminderParts): remembered details
// fill the email without a change event, so in notice mode the contact is sent after the fill,
// once; consent mode's unticked box means nothing to send; notice mode's "Don't remind me"
// sends opt_out (the server forgets the email), and every request after it does too.
// The module is bundled as the checkout chunk is, against a small fake DOM.
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { build } from "esbuild";

class FakeElement {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.attributes = {};
    this.children = [];
    this.listeners = {};
    this.dataset = {};
    this.value = "";
    this.checked = false;
    this.hidden = false;
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
    if (name === "id") this.id = String(value);
  }
  removeAttribute(name) {
    delete this.attributes[name];
  }
  append(...children) {
    this.children.push(...children);
  }
  replaceChildren(...children) {
    this.children = children;
  }
  addEventListener(type, fn) {
    this.listeners[type] = [...(this.listeners[type] || []), fn];
  }
  dispatchEvent(event) {
    for (const fn of this.listeners[event.type] || []) fn(event);
  }
  set textContent(text) {
    this.children = [text];
  }
  get textContent() {
    return this.children.map((child) => (typeof child === "string" ? child : child.textContent)).join("");
  }
  /** Every element below this one, this one first. */
  *walk() {
    yield this;
    for (const child of this.children) if (child instanceof FakeElement) yield* child.walk();
  }
}

globalThis.document = {
  createElement: (tag) => new FakeElement(tag),
  createElementNS: (_, tag) => new FakeElement(tag),
};

const { outputFiles } = await build({
  stdin: {
    contents:
      'export { addressSections } from "./src/checkout/address.js"; export { setApi } from "./src/checkout/env.js";',
    resolveDir: new URL("..", import.meta.url).pathname,
  },
  bundle: true,
  format: "esm",
  write: false,
  logLevel: "silent",
  define: { __KEEPCART_CHUNK__: '"checkout"' },
});
const { addressSections, setApi } = await import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);

let sent;
beforeEach(() => {
  sent = [];
  setApi({
    storage: { get: () => "cart-token-1" },
    request: async (path, init) => sent.push([path, JSON.parse(init.body)]),
    warn: (...args) => assert.fail(`warned: ${args.join(" ")}`),
  });
});

const NOTICE = { mode: "notice", text: "We may email you a reminder." };
const settle = () => new Promise((resolve) => setImmediate(resolve));

function checkout(recovery) {
  return addressSections(
    { countries: [{ code: "IE", name: "Ireland" }], default_country: "IE", phone: "hidden", recovery },
    () => {},
  );
}

const button = (sections) => [...sections.contact.walk()].find((each) => each.tagName === "BUTTON");

test("in notice mode a remembered email is sent once, after the fill", async () => {
  const sections = checkout(NOTICE);
  sections.fill({ email: "ana@example.com", address: { city: "Dublin" } });
  await settle();
  assert.deepEqual(sent, [
    ["/v1/carts/cart-token-1/contact", { email: "ana@example.com", consent: false, shown: NOTICE.text }],
  ]);
});

test("remembered details without an email send nothing", async () => {
  checkout(NOTICE).fill({ address: { city: "Dublin" } });
  await settle();
  assert.deepEqual(sent, []);
});

test("in consent mode the fill sends nothing: the box is not ticked", async () => {
  const sections = checkout({ mode: "consent", text: "Email me a reminder." });
  sections.fill({ email: "ana@example.com" });
  await settle();
  assert.deepEqual(sent, []);
  assert.equal(button(sections), undefined); // the box is its opt-out
});

test("Don't remind me sends opt_out, and so does every later request", async () => {
  const sections = checkout(NOTICE);
  sections.fill({ email: "ana@example.com" });
  await settle();
  const stop = button(sections);
  assert.equal(stop.textContent, "Don’t remind me");
  stop.dispatchEvent(new Event("click"));
  await settle();
  assert.equal(stop.textContent, "We won’t remind you.");
  sections.fields.email.control.value = "ana@example.org";
  sections.fields.email.control.dispatchEvent(new Event("change"));
  await settle();
  assert.deepEqual(
    sent.map(([, body]) => [body.email, body.opt_out]),
    [
      ["ana@example.com", undefined],
      ["ana@example.com", true],
      ["ana@example.org", true],
    ],
  );
});
