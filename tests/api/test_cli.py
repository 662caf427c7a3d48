import re
import sqlite3

import pytest

from server.cli import main
from server.settings import describe
from tests.process import keepcart


def test_stores_create_prints_the_snippet(tmp_path, capsys):
    db = tmp_path / "k.db"
    code = main(["stores", "create", "--name", "Shop", "--origin", "https://shop.test",
                 "--currency", "usd", "--db", str(db)])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert re.search(
        r'<script async src="http://127\.0\.0\.1:8000/v1/keepcart\.js" data-store="pk_\w+">', out
    )


def test_stores_create_reports_bad_input_without_a_traceback(tmp_path, capsys):
    code = main(["stores", "create", "--name", "Shop", "--origin", "shop.test",
                 "--currency", "EUR", "--db", str(tmp_path / "k.db")])  # fmt: skip
    assert code == 2
    assert "origins" in capsys.readouterr().err


def test_users_create_with_a_password_option(tmp_path, capsys):
    args = ["users", "create", "--email", "Me@Shop.test", "--db", str(tmp_path / "k.db")]
    assert main([*args, "--password", "long enough"]) == 0
    assert "me@shop.test" in capsys.readouterr().out
    assert main([*args, "--password", "short"]) == 2


def test_help_lists_every_setting():
    result = keepcart("--help")
    assert result.returncode == 0
    for env, _, _ in describe():
        assert env in result.stdout


@pytest.mark.parametrize("argv", [["serve", "--port", "nope"], ["frobnicate"]])
def test_bad_arguments_exit_2(argv):
    assert keepcart(*argv).returncode == 2


def test_a_store_created_without_an_owner_says_how_to_give_it_one(tmp_path, capsys):
    code = main(["stores", "create", "--name", "Shop", "--origin", "https://shop.test",
                 "--currency", "EUR", "--db", str(tmp_path / "k.db")])  # fmt: skip
    assert code == 0
    err = capsys.readouterr().err
    assert "No login can open this store" in err and "keepcart stores add-member --store pk_" in err


def _store_row(db) -> dict:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM stores").fetchone()
        origins = [r[0] for r in conn.execute("SELECT origin FROM store_origins ORDER BY 1")]
    return dict(row) | {"origins": origins}


def _created_store(tmp_path, capsys) -> tuple[str, str]:
    db = str(tmp_path / "k.db")
    assert main(["stores", "create", "--name", "Shop", "--origin", "https://shop.test",
                 "--currency", "EUR", "--db", db]) == 0  # fmt: skip
    key = re.search(r"pk_\w+", capsys.readouterr().out).group(0)
    return db, key


def test_stores_update_changes_only_what_is_given(tmp_path, capsys):
    db, key = _created_store(tmp_path, capsys)
    code = main(["stores", "update", "--store", key, "--name", "Fernhill", "--add-origin",
                 "HTTPS://WWW.Shop.test/", "--timezone", "Europe/Dublin", "--contact-email",
                 "Hello@Shop.test", "--contact-phone", "+353 1 234 5678", "--db", db])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    row = _store_row(db)
    assert row["public_key"] == key and row["name"] == "Fernhill"
    assert row["origins"] == ["https://shop.test", "https://www.shop.test"]
    assert (row["timezone"], row["locale"], row["currency"]) == ("Europe/Dublin", "en-US", "EUR")
    assert (row["contact_email"], row["contact_phone"]) == ("hello@shop.test", "+353 1 234 5678")
    assert "Updated 'Fernhill'" in capsys.readouterr().out

    # --origin replaces them all; --remove-origin takes one away, however it is spelled.
    assert main(["stores", "update", "--store", "1", "--origin", "https://a.test",
                 "--origin", "https://b.test", "--db", db]) == 0  # fmt: skip
    assert main(["stores", "update", "--store", "1", "--remove-origin", "HTTPS://A.test/",
                 "--currency", "usd", "--db", db]) == 0  # fmt: skip
    row = _store_row(db)
    assert row["origins"] == ["https://b.test"] and row["currency"] == "USD"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (["--timezone", "Mars/Olympus"], "timezone"),
        (["--locale", "english"], "locale"),
        (["--currency", "XYZ"], "currency"),
        (["--origin", "shop.test/path"], "origins"),
        (["--remove-origin", "https://shop.test"], "origins"),  # would leave none
        (["--remove-origin", "https://other.test"], "origins"),  # not one of them
        (["--contact-email", "a@b"], "contact_email"),
        (["--contact-phone", "call me"], "contact_phone"),
        (["--name", " "], "name"),
    ],
)
def test_stores_update_refuses_bad_input_with_exit_2(tmp_path, capsys, options, field):
    db, key = _created_store(tmp_path, capsys)
    before = _store_row(db)
    assert main(["stores", "update", "--store", key, *options, "--db", db]) == 2
    err = capsys.readouterr().err
    assert f"keepcart: {field}: " in err and "Traceback" not in err
    assert _store_row(db) == before


def test_stores_update_keeps_the_currency_of_a_store_with_orders(tmp_path, capsys):
    db, key = _created_store(tmp_path, capsys)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO orders (public_id, store_id, number, status, email, shipping_name,"
            " shipping_address, shipping_method, delivery_from, delivery_to, currency,"
            " prices_include_tax, subtotal, discount_total, shipping_total, tax_total, total,"
            " payment_method, created_at, updated_at) VALUES ('ord_1', 1, 1001, 'paid',"
            " 'a@b.test', 'A', '{}', 'Post', '2026-01-01', '2026-01-02', 'EUR', 1, 100, 0, 0,"
            " 0, 100, 'test_card', 0, 0)"
        )
    assert main(["stores", "update", "--store", key, "--currency", "USD", "--db", db]) == 2
    assert "keepcart: currency: The currency stays EUR" in capsys.readouterr().err
    assert main(["stores", "update", "--store", key, "--currency", "eur", "--name", "Same",
                 "--db", db]) == 0  # fmt: skip
    assert _store_row(db)["currency"] == "EUR" and _store_row(db)["name"] == "Same"


def test_stores_update_names_an_unknown_store(tmp_path, capsys):
    db, _ = _created_store(tmp_path, capsys)
    assert main(["stores", "update", "--store", "pk_nope", "--name", "X", "--db", db]) == 2
    assert "keepcart: store: There is no store 'pk_nope'." in capsys.readouterr().err
