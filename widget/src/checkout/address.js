// The contact and shipping-address sections. Country comes first; the region and postal code
// fields then follow that country's format from the server's table (labels, which are
// required, region options, postal pattern and example). Autocomplete tokens let browsers fill
// everything in one go.
import { PATH_CARTS } from "../constants.js";
import { normalizePostal, postalRule, regionRule, shippingCountry } from "./address-rules.js";
import { getToken } from "./cart.js";
import { h, listen, uid } from "./dom.js";
import { api } from "./env.js";
import { field, rules } from "./fields.js";

function regionField(region) {
  const rule = regionRule(region);
  return rule && field({ name: "region", autocomplete: "address-level1", ...rule });
}

function postalField(postal) {
  const rule = postalRule(postal);
  return rule && field({ name: "postal_code", autocomplete: "postal-code", autocapitalize: "characters", ...rule });
}

/** The contact fields: [email, phone] (phone null when the store doesn't ask for it). */
function contactFields(setup) {
  const email = field({
    label: "Email",
    name: "email",
    type: "email",
    autocomplete: "email",
    inputmode: "email",
    required: "Enter your email address.",
    check: rules.email,
  });
  const phone =
    setup.phone === "required" || setup.phone === "optional"
      ? field({
          label: "Phone",
          name: "phone",
          type: "tel",
          autocomplete: "tel",
          required: setup.phone === "required" && "Enter a phone number for the courier.",
          check: rules.phone,
          hint: "In case the courier needs to reach you.",
        })
      : null;
  return [email, phone];
}

/**
 * Cart reminders (setup.recovery: {mode, text, sms?}, null when off): the store's notice under
 * the email field, or an unticked box labelled with its words; and, when the store may text
 * (`sms`: its words), an unticked box under the phone field. The contact goes to the cart once
 * the email is valid (as a field is left, or a box changes, or remembered details fill it in
 * notice mode: no change event then), with the words shown; the phone only ticked and valid.
 * The notice has a "Don't remind me" button: `opt_out` then goes with every later request,
 * and the server forgets the email. Quietly: a failure shows nothing and never stands in the
 * way of paying. A POST (the route takes PUT too) with a text body: a simple request, no
 * preflight. Returns [the email's part, the phone's part, what a fill calls].
 */
function reminderParts({ recovery }, email, phone) {
  if (!recovery) return [];
  const id = uid("remind");
  const check = (box, text) => h("div", { class: "kc-check" }, box, h("label", { for: box.id }, text));
  const box = recovery.mode === "consent" && h("input", { type: "checkbox", id });
  const sms = phone && recovery.sms && h("input", { type: "checkbox", id: `${id}s` });
  // One request at a time, each saying what the fields say when it goes: a box ticked as the
  // phone field is left sends twice, and the later state must be the one kept.
  let last, out;
  const post = () =>
    api.request(`${PATH_CARTS}/${getToken()}/contact`, {
      method: "POST",
      body: JSON.stringify({
        email: email.value(),
        consent: !!box?.checked,
        shown: recovery.text,
        opt_out: out,
        ...(sms && { phone: phone.value(), sms_consent: sms.checked && !phone.problem(), sms_shown: recovery.sms }),
      }),
    });
  const send = () => {
    if (getToken() && !email.problem())
      last = Promise.resolve(last)
        .then(post)
        .catch(() => {});
  };
  for (const each of [email.control, box, sms, sms && phone.control]) each && listen(each, "change", send);
  const stop = h(
    "button",
    {
      type: "button",
      class: "kc-link",
      onclick: () => {
        out = true;
        stop.textContent = "We won’t remind you.";
        send();
      },
    },
    "Don’t remind me",
  );
  return [
    box ? check(box, recovery.text) : h("p", { class: "kc-hint", "aria-live": "polite" }, recovery.text, " ", stop),
    sms && check(sms, recovery.sms),
    () => box || send(), // consent mode: its unticked box keeps nothing, nothing to send
  ];
}

/** The address fields but region and postal code: [country, name, line1, line2, city]. */
function addressFields(setup, onCountry) {
  const country = field({
    label: "Country",
    name: "country",
    autocomplete: "country",
    required: "Choose a country.",
    options: setup.countries.map((each) => [each.code, each.name]),
    onchange: onCountry,
  });
  const name = field({
    label: "Full name",
    name: "name",
    autocomplete: "name",
    required: "Enter the recipient's full name.",
  });
  const line1 = field({
    label: "Address",
    name: "line1",
    autocomplete: "address-line1",
    required: "Enter the street address.",
  });
  const line2 = field({ label: "Apartment, suite, etc.", name: "line2", autocomplete: "address-line2" });
  const city = field({
    label: "City",
    name: "city",
    autocomplete: "address-level2",
    required: "Enter the city or town.",
  });
  return [country, name, line1, line2, city];
}

/**
 * Contact and address sections for `setup`. `onDestination(countryChanged)` runs when what
 * decides the shipping options changes (country, region, a valid postal code).
 */
export function addressSections(setup, onDestination) {
  const countries = new Map(setup.countries.map((country) => [country.code, country]));
  const [email, phone] = contactFields(setup);
  const [country, name, line1, line2, city] = addressFields(setup, () => setCountry(country.control.value, true));
  const place = h("div", { class: "kc-cols" }, city.el);

  const fields = {
    email,
    phone,
    "address.country": country,
    "address.name": name,
    "address.line1": line1,
    "address.line2": line2,
    "address.city": city,
    "address.region": null,
    "address.postal_code": null,
  };

  /** Show the fields `code` needs; `user`: the shopper picked it (keep what they typed). */
  function setCountry(code, user) {
    code = shippingCountry(code, countries, setup);
    if (!code) return;
    country.control.value = code;
    const format = countries.get(code);
    const typed = fields["address.postal_code"]?.value() || "";
    const region = regionField(format.region);
    const postal = postalField(format.postal);
    if (postal && typed) postal.control.value = typed;
    fields["address.region"] = region;
    fields["address.postal_code"] = postal;
    if (region) listen(region.control, "change", () => onDestination());
    if (postal) listen(postal.control, "change", () => !postal.problem() && onDestination());
    place.replaceChildren(...[city, region, postal].filter(Boolean).map((each) => each.el));
    place.dataset.cols = place.children.length;
    if (user && typed) postal?.validate();
    if (user) onDestination(true);
  }

  const [emailPart, phonePart, remind] = reminderParts(setup, email, phone);
  const contact = h("div", { class: "kc-fields" }, email.el, emailPart, phone?.el, phonePart);
  const address = h("div", { class: "kc-fields" }, country.el, name.el, line1.el, line2.el, place);
  setCountry(setup.default_country);

  const present = () => Object.values(fields).filter(Boolean);
  const value = (key) => fields[key]?.value() || "";
  return {
    contact,
    address,
    fields,
    setCountry,
    contactDone: () => !email.problem() && !phone?.problem(),
    addressDone: () => present().every((each) => each === email || each === phone || !each.problem()),
    /** {email, phone, address} as the checkout endpoint takes them. */
    values: () => ({
      email: value("email"),
      phone: value("phone"),
      address: {
        name: value("address.name"),
        line1: value("address.line1"),
        line2: value("address.line2"),
        city: value("address.city"),
        region: value("address.region"),
        postal_code: normalizePostal(value("address.postal_code")),
        country: value("address.country"),
      },
    }),
    /** What the quote needs: the country, and region and postal code when they are valid. */
    destination() {
      const destination = { country: value("address.country") };
      for (const key of ["region", "postal_code"]) {
        const each = fields[`address.${key}`];
        if (each?.value() && !each.problem())
          destination[key] = key === "region" ? each.value() : normalizePostal(each.value());
      }
      return destination;
    },
    /** Fill in remembered details (already checked to be strings). */
    fill(details) {
      if (details.address?.country) setCountry(details.address.country);
      const set = (key, text) => {
        const each = fields[key];
        if (each && text && !each.value()) each.control.value = text;
      };
      set("email", details.email);
      set("phone", details.phone);
      for (const [key, text] of Object.entries(details.address || {}))
        if (key !== "country") set(`address.${key}`, text);
      remind?.();
    },
  };
}
