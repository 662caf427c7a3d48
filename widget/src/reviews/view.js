// The reviews mount's DOM: the fixed-size summary (average, count, distribution), "How
// reviews work here", the button that opens the list, and the list itself (sort, labels,
// replies, "Helpful", "More reviews"). Its one heading level is the reviews' h3: the page's
// own heading (an h2 "Reviews") names the section. Data comes from the chunk (../chunks/reviews.js) through
// `io`: {load(sort, page), vote(id), locale, shop}; every text is a text node.
import { h, uid } from "../checkout/dom.js";
import {
  averageText,
  barStep,
  checkReviews,
  ratingWords,
  reviewCount,
  reviewDate,
  rowWords,
  starStep,
  starsWords,
} from "./words.js";

const HIDDEN = { "aria-hidden": "true" };
const LABELS = { verified: "Verified buyer", imported: "Imported" };
const SORTS = [
  ["newest", "Newest"],
  ["helpful", "Most helpful"],
];

/** Five stars filled to the nearest half of `tenths` (decorative: the words go beside). */
export const stars = (tenths) =>
  h("span", { class: `st s${starStep(tenths)}`, ...HIDDEN }, "★★★★★", h("i", null, "★★★★★"));

function summary(data) {
  const count = data.count;
  return h(
    "div",
    { class: "sum" },
    h(
      "p",
      { class: "hd" },
      h("span", { class: "sr" }, `Customer reviews: ${ratingWords(data.text, count)}`),
      stars(data.average_tenths),
      count ? h("b", HIDDEN, data.text) : null,
      // "out of 5" gives way first on a narrow mount: the count stays whole.
      h(
        "span",
        { class: "mu", ...HIDDEN },
        count ? [h("span", { class: "o5" }, "out of 5\u00a0"), `· ${reviewCount(count)}`] : "No reviews yet",
      ),
    ),
    h(
      "ul",
      { class: "ds", "aria-label": "Ratings" },
      data.rows.map((n, index) =>
        h(
          "li",
          null,
          h("span", HIDDEN, `${5 - index} ★`),
          h("span", { class: `br w${barStep(n, count)}`, ...HIDDEN }, h("i")),
          h("span", HIDDEN, String(n)),
          h("span", { class: "sr" }, rowWords(5 - index, n)),
        ),
      ),
    ),
  );
}

function how(sentences) {
  const lines = (Array.isArray(sentences) ? sentences : []).filter((s) => typeof s === "string");
  return h(
    "details",
    { class: "how" },
    h("summary", null, "How reviews work here"),
    h(
      "ul",
      null,
      lines.map((line) => h("li", null, line)),
    ),
  );
}

function reviewItem(review, io) {
  const id = uid("rt");
  const date = reviewDate(review.date, io.locale);
  const button = h(
    "button",
    { type: "button", class: "hp", "aria-pressed": "false", onclick: () => io.vote(review.id, button) },
    `Helpful (${review.helpful})`,
  );
  return h(
    "li",
    null,
    h(
      "article",
      { "aria-labelledby": id, tabindex: "-1" },
      h(
        "p",
        null,
        stars(review.rating * 10),
        h("span", { class: "sr" }, starsWords(review.rating)),
        " ",
        h("span", { class: "lb" }, LABELS[review.label] || LABELS.imported),
      ),
      h("h3", { id }, review.title || starsWords(review.rating)),
      review.body ? h("p", { class: "tx" }, review.body) : null,
      h("p", { class: "by" }, date ? `${review.name} · ${date}` : review.name),
      review.reply
        ? h(
            "div",
            { class: "rp" },
            h(
              "p",
              null,
              `Reply from ${io.shop}`,
              review.reply.date ? ` · ${reviewDate(review.reply.date, io.locale)}` : "",
            ),
            h("p", { class: "tx" }, review.reply.body),
          )
        : null,
      button,
    ),
  );
}

/** The whole mount: `first` is the API's first page (newest first), already checked. */
export function reviewsView(first, data, io) {
  const listId = uid("rl");
  const status = h("p", { class: "sr", role: "status" });
  const items = h("ol", { class: "rv" });
  const more = h("button", { type: "button", class: "mo", onclick: () => loadMore() }, "More reviews");
  let sort = "newest";
  let page = 1;
  let pages = first.pages;

  const show = (answer, append) => {
    const reviews = checkReviews(answer.reviews);
    const added = reviews.map((review) => reviewItem(review, io));
    if (append) items.append(...added);
    else items.replaceChildren(...added);
    page = answer.page;
    pages = answer.pages;
    more.hidden = page >= pages;
    return added;
  };

  const loadMore = async () => {
    more.disabled = true;
    try {
      const added = show(await io.load(sort, page + 1), true);
      added[0]?.firstChild.focus();
      status.textContent = `Showing ${items.children.length} of ${reviewCount(data.count)}`;
    } catch {
      status.textContent = "More reviews could not be loaded. Try again.";
    }
    more.disabled = false;
  };

  const sorts = SORTS.map(([value, label]) => {
    const choose = async () => {
      if (value === sort) return;
      try {
        show(await io.load(value, 1));
        sort = value;
        for (const each of sorts) each.setAttribute("aria-pressed", String(each === button));
        status.textContent = `Sorted by ${label.toLowerCase()}`;
      } catch {
        status.textContent = "The reviews could not be sorted. Try again.";
      }
    };
    const button = h("button", { type: "button", "aria-pressed": String(value === sort), onclick: choose }, label);
    return button;
  });

  const list = h(
    "div",
    { class: "ls", id: listId, hidden: true },
    h("div", { class: "so", role: "group", "aria-label": "Sort reviews" }, sorts),
    items,
    more,
  );

  const label = (open) => {
    toggle.textContent = open ? "Hide reviews" : `Show ${reviewCount(data.count)}`;
    toggle.setAttribute("aria-expanded", String(open));
  };
  const toggle = h("button", {
    type: "button",
    class: "go",
    "aria-controls": listId,
    onclick: () => {
      // The first page came with the summary; its reviews are built when first shown.
      if (first) show(first);
      first = null;
      list.hidden = !list.hidden;
      label(!list.hidden);
    },
  });
  label(false);
  const row = h("div", { class: "row" }, data.count ? toggle : "Buyers can review it from their order.");
  return h(
    "section",
    { class: "k", "aria-label": "Customer reviews" },
    summary(data),
    how(first.how),
    row,
    list,
    status,
  );
}

/** A star summary for a product card: stars and "4.3 (12)", said in words. */
export function starsView(rating) {
  const text = averageText(rating.average_tenths, rating.average);
  return h(
    "span",
    { class: "k ks" },
    stars(rating.average_tenths),
    h("span", HIDDEN, `${text} (${rating.count})`),
    h("span", { class: "sr" }, ratingWords(text, rating.count)),
  );
}
