import re

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
