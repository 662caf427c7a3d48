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
