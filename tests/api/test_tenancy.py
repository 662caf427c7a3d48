"""Tenancy: a login reaches only the stores it is a member of, as owner or staff.

The route walk enumerates every admin route from the app itself, so a page added later is
checked without anyone remembering to add it here.
"""

from __future__ import annotations

import re

import httpx
import pytest

from server.accounts import add_member, create_store, create_user
from server.accounts.queries import upsert_membership
from server.cli import main
from server.clock import now_ms
from server.services import services
from server.stores.service import validate_new_store
from tests.api.admin_client import MEMBER_PASSWORD, client_for, csrf_from, sign_in
from tests.api.admin_walk import admin_routes, fill, path_values, store_routes
from tests.api.ordering import insert_order
from tests.conftest import MERCHANT_EMAIL, MERCHANT_PASSWORD, SHOP_ORIGIN

pytestmark = pytest.mark.anyio

INTRUDER = "intruder@elsewhere.test"
STAFF = "staff@shop.test"
PASSWORD = MEMBER_PASSWORD

# Admin routes about no one store. Any other admin route must be a store's, under
# /stores/{store_id}: a new route that is neither fails test_every_admin_route_is_known.
ROUTES_WITHOUT_A_STORE = {
    "/admin/",
    "/admin/login",
    "/admin/logout",
    "/admin/stores",
    "/admin/account",
    "/admin/account/password",
    "/admin/account/sessions/sign-out-others",
    "/admin/account/sessions/{session_id:id}/sign-out",
    "/admin/invitations/{invitation_id:id}/accept",
    "/admin/invitations/{invitation_id:id}/decline",
}
# The store pages only owners open: members, the store's settings (its email settings too),
# the checkout settings but discount codes, trust (badges, policies, the holdout), one
# shopper's data, and the test email.
OWNER_ONLY = re.compile(
    r"/admin/stores/\{store_id:id\}/"
    r"(members|settings|checkout(?!/discounts)|trust|shopper-data|messages/test|webhooks"
    r"|recovery(?!/results))\b.*"
)


async def new_login(app, email: str) -> None:
    await create_user(services(app).db, email, PASSWORD, now=now_ms())


async def snapshot(app, store_id: int) -> dict[str, list[tuple]]:
    """Everything a store's admin pages can change, to prove a refused request changed none."""
    tables = {
        "stores": "SELECT * FROM stores WHERE id = ?",
        "products": "SELECT * FROM products WHERE store_id = ?",
        "orders": "SELECT * FROM orders WHERE store_id = ?",
        "discounts": "SELECT * FROM discounts WHERE store_id = ?",
        "shipping_zones": "SELECT * FROM shipping_zones WHERE store_id = ?",
        "shipping_methods": "SELECT m.* FROM shipping_methods m"
        " JOIN shipping_zones z ON z.id = m.zone_id WHERE z.store_id = ?",
        "tax_rates": "SELECT * FROM tax_rates WHERE store_id = ?",
        "campaigns": "SELECT * FROM campaigns WHERE store_id = ?",
        "email_consents": "SELECT * FROM email_consents WHERE store_id = ?",
        "recovery_settings": "SELECT * FROM recovery_settings WHERE store_id = ?",
        "memberships": "SELECT * FROM memberships WHERE store_id = ?",
        "invitations": "SELECT * FROM invitations WHERE store_id = ?",
        "reviews": "SELECT * FROM reviews WHERE store_id = ?",
        "review_moderation": "SELECT * FROM review_moderation WHERE store_id = ?",
        "trust_settings": "SELECT * FROM trust_settings WHERE store_id = ?",
        "surveys": "SELECT * FROM surveys WHERE store_id = ?",
        "survey_settings": "SELECT * FROM survey_settings WHERE store_id = ?",
        "survey_responses": "SELECT * FROM survey_responses WHERE store_id = ?",
        "survey_answers": "SELECT a.* FROM survey_answers a"
        " JOIN survey_responses r ON r.id = a.response_id WHERE r.store_id = ?",
        "messages": "SELECT * FROM messages WHERE store_id = ?",
        "email_settings": "SELECT * FROM email_settings WHERE store_id = ?",
        "message_switches": "SELECT * FROM message_switches WHERE store_id = ?",
        "idempotency_keys": "SELECT * FROM idempotency_keys WHERE store_id = ?",
        "discount_redemptions": "SELECT r.* FROM discount_redemptions r"
        " JOIN discounts d ON d.id = r.discount_id WHERE d.store_id = ?",
        "events": "SELECT * FROM events WHERE store_id = ?",
        "exposures": "SELECT x.* FROM exposures x"
        " JOIN campaigns c ON c.id = x.campaign_id WHERE c.store_id = ?",
        "trust_exposures": "SELECT * FROM trust_exposures WHERE store_id = ?",
        "shopper_erasures": "SELECT * FROM shopper_erasures WHERE store_id = ?",
        "webhook_endpoints": "SELECT * FROM webhook_endpoints WHERE store_id = ?",
        "webhook_secrets": "SELECT s.* FROM webhook_secrets s"
        " JOIN webhook_endpoints e ON e.id = s.endpoint_id WHERE e.store_id = ?",
        "webhook_settings": "SELECT * FROM webhook_settings WHERE store_id = ?",
    }
    return {
        name: [tuple(row) for row in await services(app).db.fetch_all(sql, (store_id,))]
        for name, sql in tables.items()
    }


# ---- the route walk -----------------------------------------------------------------------


async def test_every_admin_route_is_known(app):
    paths = {path for path, _ in admin_routes(app)}
    assert {p for p in paths if "{store_id" not in p} == ROUTES_WITHOUT_A_STORE
    for path in paths - ROUTES_WITHOUT_A_STORE:
        assert path.startswith("/admin/stores/{store_id:id}"), path


async def test_a_non_member_gets_404_on_every_store_route(app, shop, merchant):
    await new_login(app, INTRUDER)
    await create_store(
        services(app).db,
        validate_new_store("Mine", ["https://mine.test"], "EUR"),
        INTRUDER,
        now=now_ms(),
    )
    values = await path_values(app, shop)
    before = await snapshot(app, shop.id)
    routes = store_routes(app)
    assert len(routes) > 40  # every area's pages: products, orders, checkout, offers, members

    async with client_for(app, INTRUDER) as intruder:
        token = csrf_from((await intruder.get("/admin/stores")).text)
        answers = {}
        for template, methods in routes:
            url = fill(template, values)
            for method in methods:
                data = {"csrf_token": token} if method == "POST" else None
                response = await intruder.request(method, url, data=data)
                answers[f"{method} {template}"] = response.status_code
    assert {route: status for route, status in answers.items() if status != 404} == {}
    assert await snapshot(app, shop.id) == before


async def test_a_non_member_sees_exactly_what_a_missing_store_shows(app, client, store):
    await new_login(app, INTRUDER)
    await sign_in(client, INTRUDER, PASSWORD)
    theirs = await client.get(f"/admin/stores/{store.id}/orders")
    missing = await client.get("/admin/stores/999999/orders")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.text == missing.text
    assert "Test Shop" not in theirs.text


async def test_staff_get_403_on_owner_pages_and_open_the_rest(app, shop, merchant):
    await new_login(app, STAFF)
    await add_member(services(app).db, shop.id, STAFF, "staff", now=now_ms())
    values = await path_values(app, shop)
    before = await snapshot(app, shop.id)
    routes = store_routes(app)
    owner_only = [(t, m) for t, m in routes if OWNER_ONLY.fullmatch(t)]
    assert len(owner_only) > 10

    async with client_for(app, STAFF) as staff:
        token = csrf_from((await staff.get(f"/admin/stores/{shop.id}/orders")).text)
        answers = {}
        for template, methods in routes:
            url = fill(template, values)
            for method in methods:
                if (template, methods) in owner_only:
                    data = {"csrf_token": token} if method == "POST" else None
                    response = await staff.request(method, url, data=data)
                    answers[f"{method} {template}"] = (response.status_code, 403)
                elif method == "GET":  # staff's own pages open (their forms are tested apart)
                    response = await staff.get(url)
                    answers[f"{method} {template}"] = (response.status_code, 200)
    assert {route: got for route, (got, wanted) in answers.items() if got != wanted} == {}
    assert await snapshot(app, shop.id) == before


async def test_staff_work_orders_discount_codes_and_campaigns(app, shop, merchant):
    await new_login(app, STAFF)
    await add_member(services(app).db, shop.id, STAFF, "staff", now=now_ms())
    await insert_order(app, shop, 1001)
    base = f"/admin/stores/{shop.id}"
    async with client_for(app, STAFF) as staff:
        page = await staff.get(f"{base}/orders/1001")
        token = csrf_from(page.text)
        fulfilled = await staff.post(
            f"{base}/orders/1001/mark-fulfilled", data={"csrf_token": token}
        )
        code = {"csrf_token": token, "code": "STAFF5", "kind": "percent", "value": "5"}
        created = await staff.post(f"{base}/checkout/discounts", data=code)
    assert (fulfilled.status_code, created.status_code) == (303, 303)
    status = await services(app).db.fetch_value("SELECT status FROM orders WHERE number = 1001")
    assert status == "fulfilled"
    assert await services(app).db.fetch_value(
        "SELECT count(*) FROM discounts WHERE code = 'STAFF5'"
    )


async def test_store_navigation_follows_the_role(app, client, store, merchant):
    await new_login(app, STAFF)
    await add_member(services(app).db, store.id, STAFF, "staff", now=now_ms())
    base = f"/admin/stores/{store.id}"
    await sign_in(client)
    owner_nav = (await client.get(base)).text
    assert f'href="{base}/members"' in owner_nav and f'href="{base}/checkout"' in owner_nav
    async with client_for(app, STAFF) as staff:
        staff_nav = (await staff.get(base)).text
    assert f'href="{base}/members"' not in staff_nav
    assert f'href="{base}/checkout"' not in staff_nav
    assert f'href="{base}/checkout/discounts"' in staff_nav


# ---- store list, home, creating stores -----------------------------------------------------


async def test_the_store_list_and_home_show_only_the_logins_stores(app, client, store, merchant):
    await new_login(app, INTRUDER)
    mine = await create_store(
        services(app).db,
        validate_new_store("Intruder Goods", ["https://mine.test"], "EUR"),
        INTRUDER,
        now=now_ms(),
    )
    await sign_in(client, INTRUDER, PASSWORD)
    home = await client.get("/admin/")
    assert home.headers["location"] == f"/admin/stores/{mine.id}"
    listing = await client.get("/admin/stores")
    assert "Intruder Goods" in listing.text
    assert "Test Shop" not in listing.text and store.public_key not in listing.text


async def test_a_login_without_stores_is_offered_to_add_one(app, client, store, merchant):
    await new_login(app, INTRUDER)
    await sign_in(client, INTRUDER, PASSWORD)
    assert (await client.get("/admin/")).headers["location"] == "/admin/stores"
    assert "No stores yet" in (await client.get("/admin/stores")).text


async def test_creating_a_store_makes_its_creator_the_owner(app, client, merchant):
    await new_login(app, INTRUDER)
    await sign_in(client, INTRUDER, PASSWORD)
    form = {"csrf_token": csrf_from((await client.get("/admin/stores")).text), "name": "New",
            "origins": "https://new.test", "currency": "EUR", "locale": "en-US",
            "timezone": "UTC"}  # fmt: skip
    created = await client.post("/admin/stores", data=form)
    assert created.status_code == 303
    members = await client.get(created.headers["location"] + "/members")
    assert members.status_code == 200
    assert re.search(
        rf"{re.escape(INTRUDER)}.*?<option value=\"owner\" selected", members.text, re.S
    )
    store_id = int(created.headers["location"].rsplit("/", 1)[1])
    async with client_for(app, MERCHANT_EMAIL, MERCHANT_PASSWORD) as other:
        assert (await other.get(f"/admin/stores/{store_id}")).status_code == 404


# ---- members ------------------------------------------------------------------------------


@pytest.fixture
async def members(app, client, store, merchant):
    """The owner signed in on the members page; returns (url, post)."""
    await sign_in(client)
    url = f"/admin/stores/{store.id}/members"
    token = csrf_from((await client.get(url)).text)

    async def post(path: str, data: dict) -> httpx.Response:
        return await client.post(url + path, data={"csrf_token": token, **data})

    return url, post


async def roles(app, store) -> dict[str, str]:
    rows = await services(app).db.fetch_all(
        "SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id"
        " WHERE m.store_id = ?",
        (store.id,),
    )
    return {row["email"]: row["role"] for row in rows}


async def user_id(app, email: str) -> int:
    return await services(app).db.fetch_value("SELECT id FROM users WHERE email = ?", (email,))


async def invitations(app) -> list:
    return await services(app).db.fetch_all("SELECT * FROM invitations ORDER BY id")


def accept_url(stores_page: str) -> str:
    """The Accept button's form on a Stores page (the only invitation listed)."""
    [action] = re.findall(r'action="(/admin/invitations/\d+/accept)"', stores_page)
    return action


def field_error(html: str, name: str) -> str:
    match = re.search(rf'id="f-{name}-error">([^<]*)<', html)
    assert match, f"no error shown for {name}"
    return match.group(1)


async def test_an_owner_invites_a_login_that_joins_when_it_accepts(app, client, store, members):
    url, post = members
    await new_login(app, STAFF)
    response = await post("/invitations", {"email": " Staff@Shop.test ", "role": "staff"})
    assert response.status_code == 303
    assert response.headers["location"] == f"{url}?saved=invited"
    page = await client.get(response.headers["location"])
    assert (
        "Invitation saved" in page.text and "the invitation waits on their Stores page" in page.text
    )
    assert re.search(
        rf"{re.escape(STAFF)}</th>\s*<td>Staff</td>\s*<td>Invited · waiting", page.text
    )
    assert "Cancel invitation" in page.text and f'action="{url}/invitations"' in page.text
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}  # not a member until they accept

    async with client_for(app, STAFF) as staff:
        assert (await staff.get(f"/admin/stores/{store.id}/orders")).status_code == 404
        assert (await staff.get("/admin/")).headers["location"] == "/admin/stores"
        stores_page = (await staff.get("/admin/stores")).text
        assert re.search(r"<strong>Test Shop</strong> invites you as staff", stores_page)
        assert f'href="/admin/stores/{store.id}"' not in stores_page
        accept = accept_url(stores_page)
        accepted = await staff.post(accept, data={"csrf_token": csrf_from(stores_page)})
        assert accepted.status_code == 303
        assert accepted.headers["location"] == f"/admin/stores/{store.id}"
        assert (await staff.get(f"/admin/stores/{store.id}/orders")).status_code == 200
        assert "invites you" not in (await staff.get("/admin/stores")).text
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner", STAFF: "staff"}
    assert await invitations(app) == []
    assert "Invited · waiting" not in (await client.get(url)).text


async def test_inviting_answers_the_same_whether_or_not_the_email_has_a_login(
    app, client, store, members
):
    """An owner learns nothing about who has a login: the answer to inviting a known email
    and an unknown one differ in the email only (and the new invitation's id)."""
    _, post = members
    known, unknown = STAFF, "nobody@shop.test"
    await new_login(app, known)
    answers = {}
    for email in (known, unknown):
        saved = await post("/invitations", {"email": email, "role": "staff"})
        page = await client.get(saved.headers["location"])
        refused = await post("/invitations", {"email": email, "role": "admin"})  # a bad role
        [invitation_id] = [row["id"] for row in await invitations(app)]
        answers[email] = [
            (saved.status_code, saved.headers.multi_items(), saved.content),
            (page.status_code, blank(page.text, email, invitation_id)),
            (refused.status_code, blank(refused.text, email, invitation_id)),
        ]
        cancel = await post(f"/invitations/{invitation_id}/cancel", {})
        assert cancel.status_code == 303
    assert answers[known] == answers[unknown]
    assert [status for status, *_ in answers[known]] == [303, 200, 422]
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}
    async with client_for(app, known) as invitee:
        assert "Test Shop" not in (await invitee.get("/admin/stores")).text


def blank(html: str, email: str, invitation_id: int) -> str:
    """``html`` with the email, the invitation's id and the CSRF token (signed with the
    second it was rendered in) blanked out."""
    html = re.sub(r'name="csrf_token" value="[^"]+"', 'name="csrf_token" value="CSRF"', html)
    return html.replace(email, "EMAIL").replace(
        f"/invitations/{invitation_id}/", "/invitations/ID/"
    )


async def test_inviting_needs_an_address_and_a_role_and_not_a_member(app, client, store, members):
    _, post = members
    bad_email = await post("/invitations", {"email": "nobody@", "role": "staff"})
    assert bad_email.status_code == 422
    assert "Enter an email address" in field_error(bad_email.text, "email")
    assert 'value="nobody@"' in bad_email.text
    bad_role = await post("/invitations", {"email": STAFF, "role": "admin"})
    assert bad_role.status_code == 422
    assert "Choose owner or staff" in field_error(bad_role.text, "role")
    # Already a member: the owner sees that on the very page, so saying so reveals nothing.
    again = await post("/invitations", {"email": MERCHANT_EMAIL.upper(), "role": "staff"})
    assert again.status_code == 422
    assert "already a member of this store (owner)" in field_error(again.text, "email")
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}
    assert await invitations(app) == []


async def test_inviting_again_sets_the_role(app, client, store, members):
    url, post = members
    await post("/invitations", {"email": STAFF, "role": "staff"})
    again = await post("/invitations", {"email": STAFF.upper(), "role": "owner"})
    assert again.headers["location"] == f"{url}?saved=invited"
    assert [(r["email"], r["role"]) for r in await invitations(app)] == [(STAFF, "owner")]
    await new_login(app, STAFF)
    async with client_for(app, STAFF) as staff:
        page = (await staff.get("/admin/stores")).text
        assert page.count("invites you") == 1 and "invites you as owner" in page
        await staff.post(accept_url(page), data={"csrf_token": csrf_from(page)})
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner", STAFF: "owner"}


async def test_an_owner_cancels_an_invitation(app, client, store, members):
    url, post = members
    await new_login(app, STAFF)
    await post("/invitations", {"email": STAFF, "role": "staff"})
    async with client_for(app, STAFF) as staff:
        stale = (await staff.get("/admin/stores")).text  # the invitee's page, still open
        [invitation_id] = [row["id"] for row in await invitations(app)]
        cancelled = await post(f"/invitations/{invitation_id}/cancel", {})
        assert cancelled.headers["location"] == f"{url}?saved=cancelled"
        page = await client.get(cancelled.headers["location"])
        assert "Invitation cancelled" in page.text and "Invited · waiting" not in page.text
        assert (await post(f"/invitations/{invitation_id}/cancel", {})).status_code == 404
        assert "invites you" not in (await staff.get("/admin/stores")).text
        late = await staff.post(accept_url(stale), data={"csrf_token": csrf_from(stale)})
        assert late.status_code == 404
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}


async def test_the_invitee_declines(app, client, store, members):
    url, post = members
    await new_login(app, STAFF)
    await post("/invitations", {"email": STAFF, "role": "owner"})
    async with client_for(app, STAFF) as staff:
        page = (await staff.get("/admin/stores")).text
        declined = await staff.post(
            accept_url(page).replace("/accept", "/decline"), data={"csrf_token": csrf_from(page)}
        )
        assert declined.headers["location"] == "/admin/stores?saved=declined"
        after = (await staff.get(declined.headers["location"])).text
        assert "Invitation declined" in after and "invites you" not in after
        assert (await staff.get(f"/admin/stores/{store.id}")).status_code == 404
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}
    assert "Invited · waiting" not in (await client.get(url)).text


async def test_no_one_else_can_accept_or_decline_an_invitation(app, client, store, members):
    """Another login's accept or decline of an invitation that is not theirs is a 404, the
    very page a missing invitation gets, and changes nothing."""
    _, post = members
    await post("/invitations", {"email": STAFF, "role": "owner"})
    [invitation_id] = [row["id"] for row in await invitations(app)]
    await new_login(app, INTRUDER)
    before = await snapshot(app, store.id)
    async with client_for(app, INTRUDER) as intruder:
        token = csrf_from((await intruder.get("/admin/stores")).text)
        for action in ("accept", "decline"):
            theirs = await intruder.post(
                f"/admin/invitations/{invitation_id}/{action}", data={"csrf_token": token}
            )
            missing = await intruder.post(
                f"/admin/invitations/{invitation_id + 1000}/{action}", data={"csrf_token": token}
            )
            assert theirs.status_code == missing.status_code == 404
            assert theirs.text == missing.text and "Test Shop" not in theirs.text
    assert await snapshot(app, store.id) == before


async def test_an_accept_left_open_never_accepts_a_later_invitation(app, client, store, members):
    """Ids are never reused: after a cancel empties the table, a new invitation (to another
    store) must not take the cancelled one's id, or its stale Accept button would accept it."""
    _, post = members
    other = await create_store(
        services(app).db,
        validate_new_store("Other Shop", [SHOP_ORIGIN + ":81"], "EUR"),
        MERCHANT_EMAIL,
        now=now_ms(),
    )
    services(app).stores.invalidate()
    await new_login(app, STAFF)
    await post("/invitations", {"email": STAFF, "role": "staff"})
    async with client_for(app, STAFF) as staff:
        stale = (await staff.get("/admin/stores")).text
        [first] = [row["id"] for row in await invitations(app)]
        await post(f"/invitations/{first}/cancel", {})
        token = csrf_from((await client.get(f"/admin/stores/{other.id}/members")).text)
        invited = await client.post(
            f"/admin/stores/{other.id}/members/invitations",
            data={"csrf_token": token, "email": STAFF, "role": "owner"},
        )
        assert invited.status_code == 303
        late = await staff.post(accept_url(stale), data={"csrf_token": csrf_from(stale)})
        assert late.status_code == 404
        assert "Other Shop</strong> invites you as owner" in (await staff.get("/admin/stores")).text
    assert await roles(app, other) == {MERCHANT_EMAIL: "owner"}


async def test_an_invitation_waits_for_a_login_created_later(app, client, store, members):
    _, post = members
    later = "later@shop.test"
    await post("/invitations", {"email": later, "role": "owner"})
    await new_login(app, later)
    async with client_for(app, later) as invitee:
        home = await invitee.get("/admin/")
        assert home.headers["location"] == "/admin/stores"
        page = (await invitee.get("/admin/stores")).text
        assert "Test Shop</strong> invites you as owner" in page
        assert "No stores yet. Accept an invitation above" in page
        accepted = await invitee.post(accept_url(page), data={"csrf_token": csrf_from(page)})
        assert accepted.headers["location"] == f"/admin/stores/{store.id}"
        assert (await invitee.get(f"/admin/stores/{store.id}/members")).status_code == 200
        assert (await invitee.get("/admin/")).headers["location"] == f"/admin/stores/{store.id}"
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner", later: "owner"}


async def test_home_shows_invitations_to_a_login_that_has_one_store(app, client, store, members):
    _, post = members
    await new_login(app, INTRUDER)
    mine = await create_store(
        services(app).db,
        validate_new_store("Mine", ["https://mine.test"], "EUR"),
        INTRUDER,
        now=now_ms(),
    )
    services(app).stores.invalidate()
    await post("/invitations", {"email": INTRUDER, "role": "staff"})
    async with client_for(app, INTRUDER) as invitee:
        assert (await invitee.get("/admin/")).headers["location"] == "/admin/stores"
        page = (await invitee.get("/admin/stores")).text
        assert "Test Shop</strong> invites you as staff" in page
        assert f'href="/admin/stores/{mine.id}"' in page
        await invitee.post(
            accept_url(page).replace("/accept", "/decline"), data={"csrf_token": csrf_from(page)}
        )
        assert (await invitee.get("/admin/")).headers["location"] == f"/admin/stores/{mine.id}"


async def test_accepting_as_a_member_already_keeps_the_role(app, client, store, members):
    """A login that became a member some other way meanwhile keeps its role; the invitation
    is used up."""
    _, post = members
    await new_login(app, STAFF)
    await post("/invitations", {"email": STAFF, "role": "owner"})
    staff_id = await user_id(app, STAFF)
    await services(app).db.write(
        lambda conn: upsert_membership(conn, store.id, staff_id, "staff", 0)
    )
    async with client_for(app, STAFF) as staff:
        page = (await staff.get("/admin/stores")).text
        accepted = await staff.post(accept_url(page), data={"csrf_token": csrf_from(page)})
        assert accepted.headers["location"] == f"/admin/stores/{store.id}"
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner", STAFF: "staff"}
    assert await invitations(app) == []


async def test_adding_a_member_directly_uses_up_their_invitation(app, client, store, members):
    """The CLI adds without consent (an operator with the database); a pending invitation of
    the same login to the same store has nothing left to offer."""
    _, post = members
    await new_login(app, STAFF)
    await post("/invitations", {"email": STAFF, "role": "staff"})
    await add_member(services(app).db, store.id, "Staff@Shop.test", "owner", now=now_ms())
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner", STAFF: "owner"}
    assert await invitations(app) == []


async def test_an_owner_changes_a_role_and_removes_a_member(app, client, store, members):
    url, post = members
    await new_login(app, STAFF)
    await add_member(services(app).db, store.id, STAFF, "staff", now=now_ms())
    staff_id = await user_id(app, STAFF)
    promoted = await post(f"/{staff_id}/role", {"role": "owner"})
    assert promoted.headers["location"] == f"{url}?saved=role"
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner", STAFF: "owner"}
    removed = await post(f"/{staff_id}/remove", {})
    assert removed.headers["location"] == f"{url}?saved=removed"
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}
    async with client_for(app, STAFF) as former:
        assert (await former.get(f"/admin/stores/{store.id}")).status_code == 404


async def test_a_store_never_loses_its_last_owner(app, client, store, members):
    _, post = members
    owner_id = await user_id(app, MERCHANT_EMAIL)
    for path, data in ((f"/{owner_id}/role", {"role": "staff"}), (f"/{owner_id}/remove", {})):
        response = await post(path, data)
        assert response.status_code == 422
        assert "A store needs at least one owner" in response.text
        assert f'aria-describedby="member-{owner_id}-error"' in response.text
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}


async def test_an_owner_who_steps_down_leaves_the_members_page(app, client, store, members):
    _, post = members
    await new_login(app, STAFF)
    await add_member(services(app).db, store.id, STAFF, "owner", now=now_ms())
    me = await user_id(app, MERCHANT_EMAIL)
    response = await post(f"/{me}/role", {"role": "staff"})
    assert response.headers["location"] == f"/admin/stores/{store.id}"
    assert (await client.get(f"/admin/stores/{store.id}/members")).status_code == 403
    response = await post(f"/{me}/remove", {})
    assert response.status_code == 403  # staff cannot even remove themselves; an owner can


async def test_an_owner_may_leave_a_store_that_keeps_an_owner(app, client, store, members):
    _, post = members
    await new_login(app, STAFF)
    await add_member(services(app).db, store.id, STAFF, "owner", now=now_ms())
    response = await post(f"/{await user_id(app, MERCHANT_EMAIL)}/remove", {})
    assert response.headers["location"] == "/admin/stores"
    assert await roles(app, store) == {STAFF: "owner"}
    assert (await client.get(f"/admin/stores/{store.id}")).status_code == 404


async def test_member_and_invitation_forms_need_the_csrf_token(app, client, store, members):
    url, post = members
    await new_login(app, STAFF)
    refused = await client.post(url + "/invitations", data={"email": STAFF, "role": "owner"})
    assert refused.status_code == 403
    assert await invitations(app) == []
    await post("/invitations", {"email": STAFF, "role": "owner"})
    [invitation_id] = [row["id"] for row in await invitations(app)]
    before = await snapshot(app, store.id)
    for forged in (None, "forged"):
        data = {} if forged is None else {"csrf_token": forged}
        cancel = await client.post(f"{url}/invitations/{invitation_id}/cancel", data=data)
        assert cancel.status_code == 403
        async with client_for(app, STAFF) as staff:
            for action in ("accept", "decline"):
                response = await staff.post(
                    f"/admin/invitations/{invitation_id}/{action}", data=data
                )
                assert response.status_code == 403
            # Nor does the owner's token work in the invitee's browser: a token is per session.
            owner_token = csrf_from((await client.get(url)).text)
            response = await staff.post(
                f"/admin/invitations/{invitation_id}/accept", data={"csrf_token": owner_token}
            )
            assert response.status_code == 403
    assert await snapshot(app, store.id) == before


async def test_member_emails_are_escaped(app, client, store, members):
    url, _ = members
    odd = "o'brien&co@shop.test"  # as odd as a valid address gets: no < or > in one
    await new_login(app, odd)
    await add_member(services(app).db, store.id, odd, "staff", now=now_ms())
    page = await client.get(url)
    assert "o&#39;brien&amp;co@shop.test" in page.text and "o'brien&co" not in page.text


async def test_invitation_emails_and_store_names_are_escaped(app, client, store, members):
    url, post = members
    odd = "o'brien&co@shop.test"
    name = '<script>alert(1)</script> & "Sons"'
    await services(app).db.write(
        lambda conn: conn.execute("UPDATE stores SET name = ? WHERE id = ?", (name, store.id))
    )
    services(app).stores.invalidate()
    await post("/invitations", {"email": odd, "role": "staff"})
    page = await client.get(url)
    assert "o&#39;brien&amp;co@shop.test" in page.text and "o'brien&co" not in page.text
    await new_login(app, odd)
    async with client_for(app, odd) as invitee:
        listing = (await invitee.get("/admin/stores")).text
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;Sons&#34;"
    assert f"<strong>{escaped}</strong> invites you as staff" in listing
    assert f"the invitation to {escaped}</span>" in listing
    assert "<script>alert" not in listing


# ---- CLI and demo -------------------------------------------------------------------------


def cli(*args: str) -> int:
    return main(list(args))


def test_cli_creates_a_store_with_an_owner_and_adds_members(tmp_path, capsys):
    db = ["--db", str(tmp_path / "k.db")]
    assert cli("users", "create", "--email", "owner@shop.test", "--password", PASSWORD, *db) == 0
    assert cli("users", "create", "--email", "staff@shop.test", "--password", PASSWORD, *db) == 0
    assert cli("stores", "create", "--name", "Shop", "--origin", "https://shop.test",
               "--currency", "EUR", "--owner", "Owner@Shop.test", *db) == 0  # fmt: skip
    key = re.search(r"pk_\w+", capsys.readouterr().out)[0]
    assert cli("stores", "add-member", "--store", key, "--email", "staff@shop.test",
               "--role", "staff", *db) == 0  # fmt: skip
    assert "staff@shop.test is now staff of 'Shop'" in capsys.readouterr().out
    # Re-running sets the role: scripts can run it again, and it can promote.
    assert cli("stores", "add-member", "--store", "1", "--email", "staff@shop.test",
               "--role", "owner", *db) == 0  # fmt: skip
    assert memberships(tmp_path / "k.db") == [
        ("owner@shop.test", "owner"),
        ("staff@shop.test", "owner"),
    ]


def test_cli_refuses_unknown_logins_and_stores(tmp_path, capsys):
    db = ["--db", str(tmp_path / "k.db")]
    create = ["stores", "create", "--name", "Shop", "--origin", "https://shop.test",
              "--currency", "EUR", *db]  # fmt: skip
    assert cli(*create, "--owner", "nobody@shop.test") == 2
    assert "There is no login for nobody@shop.test" in capsys.readouterr().err
    assert store_count(tmp_path / "k.db") == 0  # nothing half-created
    assert cli(*create) == 0
    add = ["stores", "add-member", "--role", "staff", *db]
    assert cli(*add, "--store", "1", "--email", "nobody@shop.test") == 2
    assert "There is no login for nobody@shop.test" in capsys.readouterr().err
    assert cli("users", "create", "--email", "a@shop.test", "--password", PASSWORD, *db) == 0
    assert cli(*add, "--store", "pk_nope", "--email", "a@shop.test") == 2
    assert "There is no store 'pk_nope'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        cli(*add[:-2], "--role", "admin", "--store", "1", "--email", "a@shop.test")
    assert exit_info.value.code == 2


def test_cli_will_not_demote_the_last_owner(tmp_path, capsys):
    db = ["--db", str(tmp_path / "k.db")]
    assert cli("users", "create", "--email", "owner@shop.test", "--password", PASSWORD, *db) == 0
    assert cli("stores", "create", "--name", "Shop", "--origin", "https://shop.test",
               "--currency", "EUR", "--owner", "owner@shop.test", *db) == 0  # fmt: skip
    assert cli("stores", "add-member", "--store", "1", "--email", "owner@shop.test",
               "--role", "staff", *db) == 2  # fmt: skip
    assert "at least one owner" in capsys.readouterr().err


def memberships(path) -> list[tuple[str, str]]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id"
            " ORDER BY u.email"
        ).fetchall()


def store_count(path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM stores").fetchone()[0]


async def test_the_demo_merchant_owns_the_demo_store(tmp_path):
    from server.demo import DEMO_EMAIL, prepare_demo
    from server.settings import Settings

    settings = Settings(db=tmp_path / "demo.db", demo_port=8124, secret_keys=("k",))
    store = await prepare_demo(settings)
    await prepare_demo(settings)  # a restart keeps one membership
    assert memberships(settings.db) == [(DEMO_EMAIL, "owner")]
    assert store.id == 1


async def test_a_second_store_needs_its_own_membership(app, client, store, merchant):
    other = await create_store(
        services(app).db, validate_new_store("Other", [SHOP_ORIGIN + ":81"], "EUR"), now=now_ms()
    )
    await sign_in(client)
    assert (await client.get(f"/admin/stores/{other.id}")).status_code == 404
    await add_member(services(app).db, other.id, MERCHANT_EMAIL, "staff", now=now_ms())
    assert (await client.get(f"/admin/stores/{other.id}")).status_code == 200


@pytest.mark.parametrize("spelling", ["0{id}", "00{id}", "{id}0000000000000000000000"])
async def test_a_store_id_spelled_another_way_opens_nothing(app, shop, merchant, spelling):
    """``/admin/stores/01/…`` must not be a way around the owner-only check, and an id too
    large for the database must not be a 500."""
    await new_login(app, STAFF)
    await add_member(services(app).db, shop.id, STAFF, "staff", now=now_ms())
    values = await path_values(app, shop) | {"store_id": spelling.format(id=shop.id)}
    before = await snapshot(app, shop.id)
    async with client_for(app, STAFF) as staff:
        token = csrf_from((await staff.get(f"/admin/stores/{shop.id}/orders")).text)
        answers = {}
        for template, methods in store_routes(app):
            for method in methods:
                data = {"csrf_token": token, "role": "owner"} if method == "POST" else None
                response = await staff.request(method, fill(template, values), data=data)
                answers[f"{method} {template}"] = response.status_code
    assert {route: status for route, status in answers.items() if status != 404} == {}
    assert await snapshot(app, shop.id) == before


async def test_ids_too_large_for_the_database_are_not_found(app, shop, merchant):
    values = await path_values(app, shop)
    huge = {name: 10**25 for name, value in values.items() if isinstance(value, int)}
    async with client_for(app, MERCHANT_EMAIL, MERCHANT_PASSWORD) as owner:
        token = csrf_from((await owner.get("/admin/account")).text)
        answers = {}
        for template, methods in admin_routes(app):
            int_params = [name for name in huge if "{" + name in template]
            for name in int_params:
                url = fill(template, values | {name: huge[name]})
                for method in methods:
                    data = {"csrf_token": token} if method == "POST" else None
                    response = await owner.request(method, url, data=data)
                    answers[f"{method} {template} ({name})"] = response.status_code
    assert answers and {route: s for route, s in answers.items() if s != 404} == {}


# ---- invitations carry their sender's authority, for a while ------------------------------

SECOND_OWNER = "second.owner@shop.test"


async def invite_as(app, store, inviter: str, email: str, role: str) -> None:
    from server.accounts import invite_member

    await invite_member(
        services(app).db, store.id, email, role, await user_id(app, inviter), now=now_ms()
    )


@pytest.mark.parametrize("change", ["demote", "remove"])
async def test_an_owner_who_loses_the_role_loses_the_invitations_they_sent(
    app, client, store, members, change
):
    """Demoted or removed, an owner's pending invitations (an owner invitation to their own
    second address, say) must not let them back in."""
    from server.accounts import change_role, remove_member

    await new_login(app, SECOND_OWNER)
    await add_member(services(app).db, store.id, SECOND_OWNER, "owner", now=now_ms())
    await new_login(app, "their.other@mail.test")
    await invite_as(app, store, SECOND_OWNER, "their.other@mail.test", "owner")
    await invite_as(app, store, MERCHANT_EMAIL, STAFF, "staff")
    second = await user_id(app, SECOND_OWNER)
    if change == "demote":
        await change_role(services(app).db, store.id, second, "staff", now=now_ms())
    else:
        await remove_member(services(app).db, store.id, second)
    assert [row["email"] for row in await invitations(app)] == [STAFF]
    async with client_for(app, "their.other@mail.test") as other:
        assert "invites you" not in (await other.get("/admin/stores")).text


async def test_an_invitation_lapses_after_two_weeks(app, client, store, members):
    await new_login(app, STAFF)
    await invite_as(app, store, MERCHANT_EMAIL, STAFF, "staff")
    [row] = await invitations(app)
    fifteen_days_ago = row["created_at"] - 15 * 24 * 3600 * 1000
    await services(app).db.write(lambda conn: conn.execute(
        "UPDATE invitations SET created_at = ?", (fifteen_days_ago,)
    ))  # fmt: skip
    async with client_for(app, STAFF) as staff:
        page = await staff.get("/admin/stores")
        assert "invites you" not in page.text
        accepted = await staff.post(
            f"/admin/invitations/{row['id']}/accept", data={"csrf_token": csrf_from(page.text)}
        )
    assert accepted.status_code == 404
    assert await roles(app, store) == {MERCHANT_EMAIL: "owner"}
    url, post = members
    assert "Invited · waiting" not in (await client.get(url)).text
    await post("/invitations", {"email": STAFF, "role": "staff"})  # inviting again renews it
    async with client_for(app, STAFF) as staff:
        assert "invites you" in (await staff.get("/admin/stores")).text


async def test_an_invitation_to_a_store_deleted_behind_keepcarts_back_is_not_found(
    app, client, store, settings
):
    import sqlite3

    await new_login(app, STAFF)
    await invite_as(app, store, MERCHANT_EMAIL, STAFF, "staff")
    [row] = await invitations(app)
    with sqlite3.connect(settings.db) as shell:  # a sqlite3 shell: foreign keys off
        shell.execute("DELETE FROM memberships WHERE store_id = ?", (store.id,))
        shell.execute("DELETE FROM stores WHERE id = ?", (store.id,))
    services(app).stores.invalidate()
    async with client_for(app, STAFF) as staff:
        page = await staff.get("/admin/stores")
        assert "invites you" not in page.text
        accepted = await staff.post(
            f"/admin/invitations/{row['id']}/accept", data={"csrf_token": csrf_from(page.text)}
        )
    assert accepted.status_code == 404


async def test_a_store_keeps_at_most_fifty_invitations_waiting(app, client, store, members):
    _url, post = members
    for n in range(50):
        await invite_as(app, store, MERCHANT_EMAIL, f"person{n}@shop.test", "staff")
    refused = await post("/invitations", {"email": "one.more@shop.test", "role": "staff"})
    assert refused.status_code == 422
    assert "50 invitations" in field_error(refused.text, "email")
    assert len(await invitations(app)) == 50
