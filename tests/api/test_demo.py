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
