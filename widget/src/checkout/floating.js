// The optional floating cart button (config.checkout.floating_button): bottom right, fixed,
// with a live item count.
import { getCart, subscribe } from "./cart.js";
import { h, icon } from "./dom.js";
import { api } from "./env.js";
import { itemCount } from "./format.js";

export function mountFloatingButton(onOpen) {
  const count = h("span", { class: "kc-fab-count", "aria-hidden": "true" });
  const button = h("button", { type: "button", class: "kc kc-fab", onclick: () => onOpen(button) }, icon("bag"), count);
  const render = (cart) => {
    const items = cart?.item_count || 0;
    count.textContent = items;
    count.hidden = !items;
    button.setAttribute("aria-label", items ? `Cart, ${itemCount(items)}` : "Cart");
  };
  subscribe(render);
  render(getCart());
  api.root.append(button);
}
