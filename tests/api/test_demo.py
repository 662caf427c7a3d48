"""``keepcart demo`` prepares a store that can sell straight away."""

import pytest

from server.demo import DEMO_EMAIL, DEMO_PASSWORD, prepare_demo
from server.settings import Settings

pytestmark = pytest.mark.anyio


async def test_demo_store_has_catalog_rules_and_login(tmp_path):
    settings = Settings(
        db=tmp_path / "demo.db", demo_port=8123, secret_keys=("demo-test-key-of-at-least-32-bytes",)
    )
    store = await prepare_demo(settings)
    again = await prepare_demo(settings)  # a restart reuses the store
    assert again.id == store.id
    assert store.origins == {"http://127.0.0.1:8123", "http://localhost:8123"}

    from server.db import Database
    from server.security import verify_password

    db = Database(settings.db)
    await db.open()
    try:
        products = await db.fetch_value("SELECT count(*) FROM products WHERE active = 1")
        image = await db.fetch_value("SELECT image_url FROM products WHERE sku = 'FH-MUG-01'")
        zones = await db.fetch_value("SELECT count(*) FROM shipping_zones")
        codes = await db.fetch_value("SELECT count(*) FROM discounts")
        user = await db.fetch_one("SELECT password_hash FROM users WHERE email = ?", (DEMO_EMAIL,))
    finally:
        await db.close()
    assert products == 14  # 8 simple products and 6 variant SKUs
    assert image == "http://127.0.0.1:8123/static/products/mug.svg"
    assert zones == 3 and codes == 4  # rules are seeded once, not duplicated on restart
    assert verify_password(DEMO_PASSWORD, user["password_hash"])


async def test_the_demo_has_reviews_from_its_own_fulfilled_orders(tmp_path):
    """Verified reviews of every rating from fulfilled orders (one replied to, one hidden with
    its log entry) and a few imported, seeded once however often the demo restarts."""
    from server.db import Database

    settings = Settings(
        db=tmp_path / "demo.db", demo_port=8123, secret_keys=("demo-test-key-of-at-least-32-bytes",)
    )
    await prepare_demo(settings)
    await prepare_demo(settings)
    db = Database(settings.db)
    await db.open()
    try:
        reviews = await db.fetch_all(
            "SELECT r.source, r.rating, r.status, r.reply, o.status AS order_status"
            " FROM reviews r LEFT JOIN orders o ON o.id = r.order_id"
        )
        log = await db.fetch_all(
            "SELECT m.action, m.reason, u.email FROM review_moderation m"
            " LEFT JOIN users u ON u.id = m.user_id WHERE m.action IN ('hide', 'reply')"
        )
    finally:
        await db.close()
    verified = [r for r in reviews if r["source"] == "order"]
    assert len(verified) == 9 and {r["order_status"] for r in verified} == {"fulfilled"}
    assert {r["rating"] for r in verified} == {1, 2, 3, 4, 5}
    assert [r["source"] for r in reviews].count("imported") == 3
    assert [r["status"] for r in reviews].count("hidden") == 1
    assert sum(1 for r in reviews if r["reply"]) == 1
    assert sorted((r["action"], r["reason"], r["email"]) for r in log) == [
        ("hide", "personal_data", DEMO_EMAIL), ("reply", None, DEMO_EMAIL)
    ]  # fmt: skip


# ---- surveys ---------------------------------------------------------------------------------


async def test_the_demo_runs_its_surveys_with_answers_and_a_remedy_for_delivery(tmp_path):
    """The exit survey (its delivery answer linked to a free-shipping offer shown only after
    it), the two confirmation questions answered on the demo's orders (enough checkout scores
    for an interval), the NPS survey as a draft; and a shopper's delivery answer gets the
    offer at once."""
    import httpx

    from server.app import create_app
    from server.db import Database
    from server.offers.stats import MIN_SAMPLE

    settings = Settings(
        db=tmp_path / "demo.db", demo_port=8123, secret_keys=("demo-test-key-of-at-least-32-bytes",)
    )
    store = await prepare_demo(settings)
    db = Database(settings.db)
    await db.open()
    try:
        surveys = await db.fetch_all("SELECT public_id, template, status FROM surveys ORDER BY id")
        [remedy] = await db.fetch_all(
            "SELECT id, public_id, status, trigger, holdout_percent FROM campaigns"
            " WHERE trigger LIKE '%survey_answer%'"
        )
        answers = await db.fetch_all(
            "SELECT s.template, r.status, r.order_id IS NOT NULL AS for_order, count(*) AS n"
            " FROM survey_responses r JOIN surveys s ON s.id = r.survey_id"
            " GROUP BY s.template, r.status, for_order"
        )
        scores = await db.fetch_value(
            "SELECT count(*) FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id"
            " JOIN surveys s ON s.id = r.survey_id"
            " WHERE s.template = 'checkout_experience' AND a.number IS NOT NULL"
        )
        not_ordered = await db.fetch_value(
            "SELECT count(*) FROM survey_responses r LEFT JOIN orders o ON o.id = r.order_id"
            " WHERE r.order_id IS NOT NULL AND o.visitor_id IS NOT r.visitor_id"
        )
    finally:
        await db.close()
    assert [(s["template"], s["status"]) for s in surveys] == [
        ("exit", "live"), ("checkout_experience", "live"), ("attribution", "live"),
        ("nps", "draft"),
    ]  # fmt: skip
    assert (remedy["status"], remedy["holdout_percent"]) == ("live", 0)
    counts = {(a["template"], a["status"], bool(a["for_order"])): a["n"] for a in answers}
    assert counts == {
        ("exit", "completed", False): 46, ("exit", "shown", False): 24,
        ("checkout_experience", "completed", True): 33,
        ("attribution", "completed", True): 27, ("attribution", "shown", True): 6,
    }  # fmt: skip
    assert scores == 33 >= MIN_SAMPLE
    assert not_ordered == 0  # each answer is its order's shopper's

    exit_survey = surveys[0]["public_id"]
    app = create_app(settings)
    origin = {"Origin": "http://127.0.0.1:8123"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://k.test") as client:
            base = f"/v1/surveys/{exit_survey}/responses"
            shown = await client.post(base, headers=origin, json={
                "store": store.public_key, "visitor": "v_evaluator", "signal": "drawer_close",
            })  # fmt: skip
            assert shown.status_code == 201, shown.text
            reply = await client.post(f"{base}/{shown.json()['id']}/answers", headers=origin,
                                      json={"token": shown.json()["token"], "question": "q1",
                                            "value": "delivery"})  # fmt: skip
    offered = reply.json()["remedy"]
    assert (offered["campaign"], offered["arm"]) == (remedy["public_id"], "A")
    assert offered["variant"]["offer"]["kind"] == "free_shipping"


async def test_seeding_the_demo_again_keeps_the_merchants_survey_edits(tmp_path):
    from server.db import Database

    settings = Settings(
        db=tmp_path / "demo.db", demo_port=8123, secret_keys=("demo-test-key-of-at-least-32-bytes",)
    )
    await prepare_demo(settings)
    db = Database(settings.db)

    async def figures():
        await db.open()
        try:
            return [
                await db.fetch_value(sql)
                for sql in (
                    "SELECT count(*) FROM surveys", "SELECT count(*) FROM campaigns",
                    "SELECT count(*) FROM survey_responses", "SELECT count(*) FROM orders",
                    "SELECT group_concat(name || ':' || status) FROM surveys",
                )
            ]  # fmt: skip
        finally:
            await db.close()

    await db.open()
    try:
        await db.write(lambda conn: conn.execute(
            "UPDATE surveys SET name = 'Why you left', status = 'paused' WHERE template = 'exit'"
        ))  # fmt: skip
    finally:
        await db.close()
    before = await figures()
    await prepare_demo(settings)
    assert await figures() == before
    assert "Why you left:paused" in before[-1]
