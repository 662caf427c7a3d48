"""Every admin route, read from the app's router, and real ids to fill their paths with: for
tests that must cover pages added later without anyone listing them."""

from __future__ import annotations

import re

from starlette.routing import Mount, Route

from server.services import services
from server.surveys.queries import save_survey
from server.surveys.templates import from_template
from tests.api.ordering import insert_order


def admin_routes(app) -> list[tuple[str, list[str]]]:
    """(path template, methods) of every route under the /admin mount, found recursively."""
    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/admin")

    def walk(routes, prefix):
        for route in routes:
            if isinstance(route, Route):
                yield prefix + route.path, sorted(route.methods or ())
            elif isinstance(route, Mount):
                yield from walk(route.routes, prefix + route.path)

    return list(walk(mount.routes, "/admin"))


def store_routes(app) -> list[tuple[str, list[str]]]:
    return [(path, methods) for path, methods in admin_routes(app) if "{store_id" in path]


def fill(template: str, values: dict[str, object]) -> str:
    def value(match: re.Match) -> str:
        name = match.group(1)
        assert name in values, f"no test value for path parameter {name!r} in {template}"
        return str(values[name])

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, template)


async def path_values(app, store) -> dict[str, object]:
    """A real id, in ``store``, for every path parameter an admin route has."""
    db = services(app).db

    async def first(sql: str) -> object:
        value = await db.fetch_value(sql, (store.id,))
        assert value is not None, sql
        return value

    await insert_order(app, store, 1001)
    campaign_id = await first("SELECT id FROM campaigns WHERE store_id = ?")
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO email_consents (store_id, campaign_id, email, wording, created_at)"
            " VALUES (?, ?, 'shopper@example.test', 'Email me my cart', 0)",
            (store.id, campaign_id),
        )
    )
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO invitations (store_id, email, role, created_at)"
            " VALUES (?, 'invited@example.test', 'staff', 0)",
            (store.id,),
        )
    )
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO reviews (public_id, store_id, product_id, source, rating, display_name,"
            " created_at) SELECT 'rev_walk', store_id, id, 'imported', 4, 'Pat', 0 FROM products"
            " WHERE store_id = ? AND sku = 'MUG-1'",
            (store.id,),
        )
    )
    survey = await db.write(lambda conn: save_survey(conn, from_template("exit", store.id), 0))
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO survey_responses (public_id, survey_id, store_id, visitor_id, signal,"
            " status, shown_at, updated_at) VALUES ('rsp_walk', ?, ?, 'v_walk', 'exit_top',"
            " 'shown', 0, 0)",
            (survey.id, store.id),
        )
    )
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO messages (public_id, store_id, channel, kind, recipient, state,"
            " next_attempt_at, last_error, created_at, updated_at) VALUES ('msg_walk', ?,"
            " 'email', 'test', 'owner@shop.test', 'failed', 0, 'refused', 0, 0)",
            (store.id,),
        )
    )
    await db.write(
        lambda conn: conn.execute(
            "INSERT INTO webhook_endpoints (public_id, store_id, url, event_types, created_at,"
            " updated_at) VALUES ('ep_walk', ?, 'https://hooks.example.com/in', 'order.created',"
            " 0, 0)",
            (store.id,),
        )
    )
    zone = await first("SELECT id FROM shipping_zones WHERE store_id = ? ORDER BY id")
    return {
        "store_id": store.id,
        "product_id": await first("SELECT id FROM products WHERE store_id = ?"),
        "number": 1001,
        "action": "mark-fulfilled",
        "discount_id": await first("SELECT id FROM discounts WHERE store_id = ?"),
        "zone_id": zone,
        "method_id": await db.fetch_value(
            "SELECT id FROM shipping_methods WHERE zone_id = ?", (zone,)
        ),
        "rate_id": await first("SELECT id FROM tax_rates WHERE store_id = ?"),
        "campaign": await first("SELECT public_id FROM campaigns WHERE store_id = ?"),
        "status": "paused",
        "request_id": await first("SELECT id FROM email_consents WHERE store_id = ?"),
        "user_id": await first("SELECT user_id FROM memberships WHERE store_id = ?"),
        "invitation_id": await first("SELECT id FROM invitations WHERE store_id = ?"),
        "review": await first("SELECT public_id FROM reviews WHERE store_id = ?"),
        "survey": await first("SELECT public_id FROM surveys WHERE store_id = ?"),
        "message": await first("SELECT public_id FROM messages WHERE store_id = ?"),
        "endpoint": await first("SELECT public_id FROM webhook_endpoints WHERE store_id = ?"),
    }
