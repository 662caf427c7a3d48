"""Generated hostile submissions of every admin form, taken from the router.

Each POST route under ``/admin`` is sent a form built from the real form on its page (the
fields a browser would send) with some values replaced by generated ones, some fields left
out and some added, the CSRF token now and then forged. Whatever arrives: never a 5xx, never
a traceback, and a refused submission (4xx, the form back with its errors included) leaves
every table exactly as it was.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server.services import services
from tests.api.admin_walk import admin_routes, fill
from tests.api.hostile import HOSTILE, World, problems_in, world

__all__ = ["world"]  # the module-scoped fixture this test uses


class FormsOnPage(HTMLParser):
    """The POST forms of a page: their action and the fields a browser would submit."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._fields: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._fields = {}
            self.forms.append((a.get("action", ""), self._fields))
        elif self._fields is not None and tag in {"input", "textarea", "select"} and "name" in a:
            if a.get("type") in {"checkbox", "radio"} and "checked" not in a:
                self._fields.setdefault(a["name"], "")
            else:
                self._fields[a["name"]] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._fields = None


async def current_path_values(world: World) -> dict[str, object]:
    """Ids that exist now for every path parameter (earlier examples delete some)."""
    db, store_id = services(world.app).db, world.store.id

    async def first(sql: str, default: object = 999_999) -> object:
        value = await db.fetch_value(sql, (store_id,))
        return default if value is None else value

    zone = await first("SELECT id FROM shipping_zones WHERE store_id = ? ORDER BY id")
    method = await db.fetch_value("SELECT id FROM shipping_methods WHERE zone_id = ?", (zone,))
    return {
        "store_id": store_id,
        "product_id": await first("SELECT id FROM products WHERE store_id = ?"),
        "number": await first("SELECT number FROM orders WHERE store_id = ?", 1001),
        "action": "mark-fulfilled",
        "discount_id": await first("SELECT id FROM discounts WHERE store_id = ?"),
        "zone_id": zone,
        "method_id": 999_999 if method is None else method,
        "rate_id": await first("SELECT id FROM tax_rates WHERE store_id = ?"),
        "campaign": await first("SELECT public_id FROM campaigns WHERE store_id = ?", "cmp_x"),
        "status": "paused",
        "request_id": await first("SELECT id FROM email_consents WHERE store_id = ?"),
        "user_id": await first("SELECT user_id FROM memberships WHERE store_id = ?"),
        "invitation_id": await first("SELECT id FROM invitations WHERE store_id = ?"),
        "session_id": await db.fetch_value("SELECT max(id) FROM admin_sessions") or 999_999,
        "review": await first("SELECT public_id FROM reviews WHERE store_id = ?", "rev_x"),
        "survey": await first("SELECT public_id FROM surveys WHERE store_id = ?", "srv_x"),
        "message": await first("SELECT public_id FROM messages WHERE store_id = ?", "msg_x"),
        "endpoint": await first(
            "SELECT public_id FROM webhook_endpoints WHERE store_id = ?", "ep_x"
        ),
    }


def _shape(url: str) -> str:
    return re.sub(r"/(\d+|cmp_\w+|rev_\w+|srv_\w+|ep_\w+)(?=/|$)", "/N", url)


async def forms_for(world: World, url: str) -> list[dict[str, str]]:
    """Forms a browser could send to ``url``: those the admin's pages post there, and for a
    create route the prefilled edit forms of the same kind of thing (valid values to start
    from, so generated changes reach the checks behind the required fields)."""
    shape = _shape(url)
    key = f"forms {shape}"
    if key not in world.cache:
        world.cache[key] = await _scrape_forms(world, shape)
    return world.cache[key]


async def _scrape_forms(world: World, shape: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for path, methods in admin_routes(world.app):
        if "GET" not in methods or "{" in path.replace("{store_id:id}", ""):
            continue
        page_url = fill(path, {"store_id": world.store.id})
        page = await world.admin.get(page_url)
        if page.status_code != 200 or "text/html" not in page.headers.get("content-type", ""):
            continue
        parser = FormsOnPage()
        parser.feed(page.text)
        for action, fields in parser.forms:
            if _shape(action or page_url) in {shape, shape + "/N"}:
                found.append(fields)
    for edit_url in await _edit_pages(world, shape):
        parser = FormsOnPage()
        parser.feed((await world.admin.get(edit_url)).text)
        shapes = {shape, shape + "/N"}
        found += [fields for action, fields in parser.forms if _shape(action) in shapes]
    return found


async def _edit_pages(world: World, shape: str) -> list[str]:
    """The pages of existing things whose forms post to ``shape`` or ``shape/N``."""
    values = await current_path_values(world)
    pages = []
    for path, methods in admin_routes(world.app):
        if "GET" in methods and path.count("{") > 1:
            filled = fill(path, values)
            if shape in {_shape(filled), _shape(filled).rsplit("/N", 1)[0]}:
                pages.append(filled)
    return pages


_text = st.text(max_size=80)
# Odd values by what a field's name says it holds, so a field meets the inputs its parser
# must refuse, not only random text.
_ODD_BY_KIND = {
    "url": ["http://[::1", "http://x.test:99999", "http://x.test:port/a.png", "//evil.test/a",
            "javascript:alert(1)", "http://[zz]/a", "https://x.test/" + "a" * 3000],
    "email": ["ann@shop.example?bcc=x@evil.test", "a@b", "<a>@b.test", "@", "a@[1.2.3.4]"],
    "number": ["-1", "1e309", "NaN", "99999999999999999999", "12.345", "1,5", "0x10", "٣",
               "-0", "Infinity"],
    "date": ["2026-02-30", "2026-13-01T25:61", "0000-01-01T00:00", "99999-01-01", "yesterday"],
    "any": ["", " ", "<script>alert(1)</script>", "=1+1", "\x00", "true", "on", "XX"],
}  # fmt: skip
_KIND_HINTS = {
    "url": ("url", "origin", "pattern"),
    "email": ("email",),
    "number": ("price", "amount", "value", "min", "max", "weight", "stock", "rate", "days",
               "percent", "limit", "threshold", "tier", "minutes", "hours", "budget", "order"),
    "date": ("date", "_at", "expires", "starts", "ends"),
}  # fmt: skip


def odd_values_for(name: str) -> list[str]:
    kinds = [kind for kind, hints in _KIND_HINTS.items() if any(h in name for h in hints)]
    return [v for kind in [*kinds, "any"] for v in _ODD_BY_KIND[kind]]


def _hostile_value(name: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(odd_values_for(name)),
        st.sampled_from(odd_values_for(name)),
        _text,
        st.text(min_size=2000, max_size=20000),
    )


# Choices among what the app holds now (forms, field names) are drawn as plain numbers and
# taken modulo: Hypothesis must draw the same way whatever earlier examples changed.
_index = st.integers(0, 10**6)


@st.composite
def submissions(draw: st.DrawFn, choices: list[dict[str, str]], csrf: str) -> dict[str, str]:
    pick = draw(_index)  # drawn even when there is no form to pick from
    form = dict(choices[pick % len(choices)]) if choices else {}
    names = sorted(form) or ["x"]
    for _ in range(draw(st.sampled_from([0, 1, 1, 2, 3, 6]))):
        name = names[draw(_index) % len(names)]
        form[name] = draw(_hostile_value(name))
    for _ in range(draw(st.integers(0, 2))):
        form.pop(names[draw(_index) % len(names)], None)
    form.update(draw(st.dictionaries(st.text(min_size=1, max_size=20), _text, max_size=2)))
    form["csrf_token"] = draw(st.sampled_from([csrf] * 9 + ["forged"]))
    # A browser can't send a lone surrogate; what it sends is UTF-8.
    return {k.encode("utf-8", "replace").decode(): v.encode("utf-8", "replace").decode()
            for k, v in form.items()}  # fmt: skip


def post_routes(world: World) -> list[str]:
    found = [path for path, methods in admin_routes(world.app) if "POST" in methods]
    assert len(found) >= 30, found  # the walk found the admin's forms, not an empty list
    return found


# The routes are dealt into shards, each its own test: 800 examples in one test took 30 s of
# a quiet machine and grow with every admin form, near the per-test timeout on a busy one; as
# shards they also spread over the suite's workers.
SHARDS = 4


@pytest.mark.parametrize("shard", range(SHARDS), ids=lambda n: f"shard-{n}")
@given(data=st.data())
@settings(HOSTILE, max_examples=800 // SHARDS)
def test_no_hostile_admin_form_is_a_5xx_a_traceback_or_a_half_write(world, shard, data, caplog):
    template = data.draw(st.sampled_from(sorted(post_routes(world))[shard::SHARDS]))
    url = fill(template, world.run(current_path_values(world)))
    pages = world.run(world.admin.get("/admin/account"))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', pages.text).group(1)
    form = data.draw(submissions(world.run(forms_for(world, url)), csrf))
    before = world.fingerprint()
    with caplog.at_level(logging.WARNING):
        response = world.run(world.admin.post(url, data=form))
    assert response.status_code < 500, (url, form, response.text[:300])
    assert problems_in(caplog.records) == []
    if response.status_code >= 400:
        assert world.fingerprint() == before, (url, form, response.status_code)
    caplog.clear()
    world.sign_in_again()
