"""The Trust page: owners choose badges per placement, write the policies Keepcart cannot know,
switch social proof on and set the holdout shares; the page says each badge's fact or why it
is hidden now, gives the markup to paste, and frames a live preview of the real widget.

Each form field is checked for its error (422, tied to the field, nothing written); a
changed holdout share restarts that element's results."""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path

import pytest
from markupsafe import escape

from server.admin.trust.snippets import RESERVE_CSS
from server.forms import format_local_display
from server.services import attach, services
from server.trust import queries
from server.trust.model import DEFAULT_SETTINGS, TrustSettings
from tests.api.admin_client import field_error, sign_in
from tests.conftest import SHOP_ORIGIN

pytestmark = pytest.mark.anyio
T0 = 1_780_000_000_000
HOUR = 3_600_000


@pytest.fixture
def admin_section() -> str:
    return "trust"


def trust_url(store) -> str:
    return f"/admin/stores/{store.id}/trust"


def form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    """The form as the page sends it with the defaults saved, changed by ``changes``
    (checkboxes: present when ticked; a placement: the list of its ticked kinds)."""
    values: dict[str, str | list[str]] = {
        "placement_product": ["delivery", "free_shipping", "returns", "payments"],
        "placement_footer": ["secure", "payments", "returns", "support"],
        "placement_drawer": ["delivery", "returns"],
        "placement_checkout": ["secure", "returns"],
        "returns_days": "0",
        "returns_policy": "",
        "support_hours": "",
        "proof_min_buyers": "5",
        "proof_hours": "48",
        "proof_low_stock": "5",
        "badges_holdout": "0",
        "proof_holdout": "0",
    }
    return values | changes


async def saved(app, store) -> TrustSettings:
    return await queries.load_trust_settings(services(app).db, store.id)


async def stored_rows(app) -> list[tuple]:
    return [tuple(r) for r in await services(app).db.fetch_all("SELECT * FROM trust_settings")]


def served_over_https(app) -> None:
    """Keepcart's public address is HTTPS from now on, as behind a TLS proxy."""
    state = services(app)
    https = dataclasses.replace(state.settings, public_url="https://keepcart.example")
    attach(app, dataclasses.replace(state, settings=https))


def fact(page: str, kind: str) -> str:
    """A badge's fact on the page, as text."""
    match = re.search(rf'data-kind="{kind}">(.*?)</li>', page, re.S)
    assert match, kind
    text = html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))
    return re.sub(r"\s+", " ", text).strip().replace(" .", ".")


# ---- the page -------------------------------------------------------------------------------


async def test_the_page_shows_the_saved_settings_and_its_place_in_the_navigation(
    client, merchant, store
):
    await sign_in(client)
    page = await client.get(trust_url(store))
    assert page.status_code == 200
    assert f'href="{trust_url(store)}" aria-current="page">Trust</a>' in page.text
    # The defaults: the product placement's kinds ticked, social proof off, no holdout.
    assert re.search(r'id="f-placement_product-delivery"[^>]*value="delivery" checked', page.text)
    assert not re.search(r'id="f-placement_product-secure"[^>]*checked', page.text)
    assert not re.search(r'id="f-social_proof"[^>]*checked', page.text)
    assert 'id="f-badges_holdout" name="badges_holdout" type="number" value="0"' in page.text
    # A share's field says that changing it restarts the results, tied to it.
    hint = re.search(r'id="f-badges_holdout-hint">([^<]+)<', page.text)
    assert hint and "restarts" in hint.group(1)
    assert 'aria-describedby="f-badges_holdout-hint"' in page.text


async def without_policies_or_contact(app, store) -> None:
    """The demo's checkout rules, but no written policy and no contact."""
    await services(app).db.write(
        lambda conn: queries.save_trust_settings(conn, store.id, DEFAULT_SETTINGS, T0)
    )
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = '', contact_phone = '' WHERE id = ?", (store.id,)
        )
    )
    services(app).stores.invalidate()


async def test_each_badge_says_why_it_is_hidden_now(app, client, merchant, shop):
    await without_policies_or_contact(app, shop)
    await sign_in(client)
    page = (await client.get(trust_url(shop))).text
    # The test server's own address is plain HTTP.
    assert fact(page, "secure").startswith(
        "Hidden Secure checkout is hidden: Keepcart itself is served over HTTP"
    )
    assert fact(page, "returns").startswith(
        "Hidden Returns and money-back guarantee is hidden: set the number of days"
    )
    assert "Customer support is hidden: the store has no contact email or phone" in fact(
        page, "support"
    )
    assert "Not chosen for any placement" not in fact(page, "support")  # the footer has it
    # Facts that hold say what the badge states, and where it is placed.
    assert fact(page, "payments") == (
        "Shown Payment methods is shown: Accepts Card (test mode), Bank transfer,"
        " Cash on delivery."
        " Placed in: Product pages, Footer."
    )
    # No contact yet: the page sends the merchant to Store settings for one.
    assert "The store has no contact email or phone yet" in page
    assert f'href="/admin/stores/{shop.id}/settings"' in page


async def test_secure_checkout_is_hidden_while_the_shop_is_served_over_http(
    app, client, merchant, shop
):
    served_over_https(app)
    await sign_in(client)
    page = (await client.get(trust_url(shop))).text
    assert fact(page, "secure") == (
        f"Hidden Secure checkout is hidden: this page is served over HTTP ({SHOP_ORIGIN})."
        " Placed in: Footer, Checkout, beside the pay button."
    )


async def test_secure_checkout_on_https_pages_names_the_http_ones_it_is_hidden_on(
    app, client, merchant, store
):
    served_over_https(app)
    await services(app).db.write(
        lambda conn: conn.execute(
            "INSERT INTO store_origins (store_id, origin) VALUES (?, 'https://shop.example')",
            (store.id,),
        )
    )
    services(app).stores.invalidate()
    await sign_in(client)
    page = (await client.get(trust_url(store))).text
    assert fact(page, "secure").startswith(
        f"Shown Secure checkout is shown: on HTTPS pages only; hidden on {SHOP_ORIGIN} (HTTP)."
    )


async def test_written_policies_and_a_contact_make_their_badges_shown(app, client, admin, shop):
    base, post = admin
    await without_policies_or_contact(app, shop)
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = 'help@shop.test' WHERE id = ?", (shop.id,)
        )
    )
    services(app).stores.invalidate()
    answer = await post(
        "",
        form(returns_days="30", money_back="true", returns_policy="Send it back within 30 days.",
             support_hours="Mon–Fri 9:00–17:00"),
    )  # fmt: skip
    assert answer.status_code == 303
    page = (await client.get(base)).text
    assert "Returns and money-back guarantee is shown: 30-day returns with a money-back" in fact(
        page, "returns"
    )
    assert "Customer support is shown: Support at help@shop.test, Mon–Fri 9:00–17:00." in fact(
        page, "support"
    )
    assert "Shoppers reach you at help@shop.test" in page


async def test_the_snippets_to_paste_and_the_preview_frame(client, merchant, shop):
    await sign_in(client)
    page = (await client.get(trust_url(shop))).text
    for markup in (
        '<div data-keepcart-badges="product" data-keepcart-sku="YOUR-SKU"></div>',
        '<div data-keepcart-badges="footer"></div>',
        "[data-keepcart-badges]{display:block;min-height:40px}",
    ):
        assert f"<code>{escape(markup)}</code>" in page
    assert "<div data-keepcart-badges" not in page  # shown as text, never as markup
    for copied in ("badges-product", "badges-footer", "badges-css"):
        assert f'<pre id="{copied}">' in page and f'data-copy="{copied}"' in page
    assert '<iframe id="trust-preview" class="trust-preview-frame"' in page
    assert f'src="{trust_url(shop)}/widget-preview"' in page


async def test_the_preview_loads_the_real_widget_with_one_mount_per_placement(
    app, client, merchant, shop
):
    await sign_in(client)
    answer = await client.get(trust_url(shop) + "/widget-preview")
    assert answer.status_code == 200
    csp = answer.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    page = answer.text
    assert f'<script async src="/v1/keepcart.js" data-store="{shop.public_key}"' in page
    # The admin's preview marker, before the script: the widget records nothing here.
    assert page.index('id="keepcart-offer-preview"') < page.index("/v1/keepcart.js")
    mounts = re.findall(r"<div (data-keepcart-badges=[^>]*)></div>", page)
    first_sku = await services(app).db.fetch_value(
        "SELECT sku FROM products WHERE store_id = ? AND active = 1 ORDER BY id LIMIT 1",
        (shop.id,),
    )
    assert mounts == [
        f'data-keepcart-badges="product" data-keepcart-sku="{first_sku}"',
        'data-keepcart-badges="footer"',
        'data-keepcart-badges="drawer"',
        'data-keepcart-badges="checkout"',
    ]
    assert "autofocus" not in page  # nothing in the frame takes the focus from the form


async def test_the_preview_of_a_store_without_products_names_no_sku(client, merchant, store):
    await sign_in(client)
    page = (await client.get(trust_url(store) + "/widget-preview")).text
    assert '<div data-keepcart-badges="product"></div>' in page


# ---- saving ---------------------------------------------------------------------------------


async def test_saving_writes_every_setting_and_the_widget_follows(app, client, admin, store):
    base, post = admin
    services(app).clock.set(T0)
    answer = await post(
        "",
        form(placement_product=["returns", "secure"], placement_footer=[],
             placement_drawer=["support"], placement_checkout=["payments", "bogus"],
             returns_days="30", money_back="true", returns_policy="  Free returns.\r\nAlways. ",
             support_hours="Mon–Fri 9–17", social_proof="true", proof_min_buyers="10",
             proof_hours="72", proof_low_stock="3", badges_holdout="10", proof_holdout="20"),
    )  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{base}?saved=restarted"
    assert await saved(app, store) == TrustSettings(
        placements={
            "product": ("secure", "returns"),  # in the admin's order, an unknown kind dropped
            "footer": (),
            "drawer": ("support",),
            "checkout": ("payments",),
        },
        returns_days=30,
        money_back=True,
        returns_policy="Free returns.\nAlways.",
        support_hours="Mon–Fri 9–17",
        social_proof=True,
        proof_min_buyers=10,
        proof_hours=72,
        proof_low_stock=3,
        badges_holdout=10,
        proof_holdout=20,
        badges_since=T0,
        proof_since=T0,
        placements_since=T0,
    )
    page = await client.get(answer.headers["location"])
    assert "The holdout share changed, so its results start again from now." in page.text
    trust = (await client.get(f"/v1/stores/{store.public_key}/config")).json()["trust"]
    # Secure checkout is placed but cannot show: Keepcart runs on plain HTTP here.
    assert trust["placements"]["product"] == ["returns"]
    assert trust["holdout"] == 10 and trust["proof"] == {"holdout": 20, "since": T0, "hours": 72}
    assert trust["returns"] == {
        "days": 30, "words": "30-day returns", "money_back": True,
        "policy": "Free returns.\nAlways.",
    }  # fmt: skip


async def test_a_changed_share_restarts_only_its_own_results(app, client, admin, store):
    base, post = admin
    clock = services(app).clock
    clock.set(T0)
    assert (await post("", form(badges_holdout="10"))).status_code == 303
    assert (await saved(app, store)).badges_since == T0
    assert (await saved(app, store)).proof_since == 0

    # Other changes later leave the measurement running.
    clock.set(T0 + HOUR)
    answer = await post("", form(badges_holdout="10", support_hours="9–5", social_proof="true"))
    assert answer.headers["location"] == f"{base}?saved=trust"
    now = await saved(app, store)
    assert (now.badges_since, now.proof_since) == (T0, 0)

    # Social proof's share changes: its results restart, the badges' go on.
    clock.set(T0 + 2 * HOUR)
    await post("", form(badges_holdout="10", proof_holdout="5"))
    now = await saved(app, store)
    assert (now.badges_since, now.proof_since) == (T0, T0 + 2 * HOUR)

    # Back to no holdout is a change too.
    clock.set(T0 + 3 * HOUR)
    await post("", form(badges_holdout="0", proof_holdout="5"))
    now = await saved(app, store)
    assert (now.badges_since, now.proof_since) == (T0 + 3 * HOUR, T0 + 2 * HOUR)


async def test_the_first_save_of_the_defaults_restarts_nothing(app, client, admin, store):
    base, post = admin
    services(app).clock.set(T0)
    answer = await post("", form(support_hours="9–5"))
    assert answer.headers["location"] == f"{base}?saved=trust"
    now = await saved(app, store)
    assert (now.badges_since, now.proof_since, now.placements_since) == (0, 0, 0)


async def test_changed_placements_go_on_measuring_and_the_results_say_they_mix_both(
    app, client, admin, store
):
    base, post = admin
    clock = services(app).clock
    clock.set(T0)
    await post("", form(badges_holdout="10"))
    page = (await client.get(base)).text
    assert "Placements changed" not in page
    # Where badges show changes a day later: the split is the same, the measurement goes on.
    clock.set(T0 + 24 * HOUR)
    answer = await post("", form(badges_holdout="10", placement_footer=["payments"]))
    assert answer.headers["location"] == f"{base}?saved=trust"
    now = await saved(app, store)
    assert (now.badges_since, now.placements_since) == (T0, T0 + 24 * HOUR)
    page = html.unescape((await client.get(base)).text)
    changed = format_local_display(T0 + 24 * HOUR, store.timezone)
    assert (
        f"Placements changed on {changed}: these results mix visitors who saw the badges"
        " placed before and after." in page
    )
    # The same kinds ticked again change nothing.
    clock.set(T0 + 48 * HOUR)
    await post("", form(badges_holdout="10", placement_footer=["payments"]))
    assert (await saved(app, store)).placements_since == T0 + 24 * HOUR


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"returns_days": "366"}, "returns_days", "from 0 to 365"),
        ({"returns_days": "-1"}, "returns_days", "from 0 to 365"),
        ({"returns_days": "30"}, "returns_policy", "Write the return policy"),
        ({"returns_policy": "x" * 2001}, "returns_policy", "2000 characters"),
        ({"support_hours": "x" * 121}, "support_hours", "120 characters"),
        ({"proof_min_buyers": "1"}, "proof_min_buyers", "from 2 to 1000"),
        ({"proof_hours": "0"}, "proof_hours", "from 1 to 720"),
        ({"proof_hours": "many"}, "proof_hours", "from 1 to 720"),
        ({"proof_low_stock": "101"}, "proof_low_stock", "from 0 to 100"),
        ({"badges_holdout": "51"}, "badges_holdout", "from 0 to 50"),
        ({"badges_holdout": "12.5"}, "badges_holdout", "from 0 to 50"),
        ({"proof_holdout": "60"}, "proof_holdout", "from 0 to 50"),
    ],
)
async def test_each_bad_field_comes_back_with_its_error_and_nothing_is_written(
    app, client, admin, store, changes, field, message
):
    _, post = admin
    before = await stored_rows(app)
    answer = await post("", form(**changes))
    assert answer.status_code == 422
    page = answer.text
    assert message in html.unescape(field_error(page, field))
    # The error is tied to its field for screen readers, and summed up at the top.
    control = re.search(rf'<(?:input|textarea) id="f-{field}"[^>]*>', page)
    assert control, field
    assert 'aria-invalid="true"' in control.group(0)
    assert f"f-{field}-error" in control.group(0)
    assert f'<a href="#f-{field}">' in page
    # What was typed is kept.
    typed = escape(str(next(iter(changes.values()))))
    assert typed in page
    assert await stored_rows(app) == before


async def test_every_bad_field_at_once(app, client, admin, store):
    _, post = admin
    answer = await post(
        "", form(returns_days="400", proof_hours="0", badges_holdout="99", proof_holdout="x")
    )
    assert answer.status_code == 422
    for name in ("returns_days", "proof_hours", "badges_holdout", "proof_holdout"):
        assert f'id="f-{name}-error"' in answer.text
    assert await saved(app, store) == DEFAULT_SETTINGS


async def test_a_post_without_its_csrf_token_is_refused(app, client, admin, store):
    await sign_in(client)
    answer = await client.post(trust_url(store), data=form(badges_holdout="10"))
    assert answer.status_code == 403
    assert await stored_rows(app) == []


async def test_the_merchants_text_is_escaped_everywhere_it_shows(app, client, admin, shop):
    base, post = admin
    await services(app).db.write(
        lambda conn: conn.execute(
            "UPDATE stores SET contact_email = 'help@shop.test' WHERE id = ?", (shop.id,)
        )
    )
    services(app).stores.invalidate()
    policy = '</textarea><script>alert("policy")</script>'
    hours = '<img src=x onerror="alert(1)">9–5'
    assert (await post("", form(returns_days="14", returns_policy=policy,
                                support_hours=hours))).status_code == 303  # fmt: skip
    page = (await client.get(base)).text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert escape(policy) in page  # in its textarea, as typed
    assert escape(hours) in page  # in its field and in the support badge's fact
    assert f"Support at help@shop.test, {escape(hours)}." in page
    # Refused, the form comes back with the text escaped too.
    refused = await post("", form(returns_days="999", returns_policy=policy, support_hours=hours))
    assert refused.status_code == 422
    assert "<script>alert" not in refused.text and escape(policy) in refused.text


def test_the_css_to_paste_is_the_one_the_widget_documents():
    """The badges strip is drawn exactly as tall as widget/README.md tells merchants to
    reserve; the admin must hand out that same line, or the page would move."""
    documented = (Path(__file__).parents[2] / "widget" / "README.md").read_text()
    squeezed = ["".join(text.split()).replace(";}", "}") for text in (RESERVE_CSS, documented)]
    assert squeezed[0] in squeezed[1]
