from pathlib import Path

import pytest

from server.settings import Settings, describe

README = Path(__file__).parents[2] / "README.md"


def test_defaults_need_no_environment():
    settings = Settings.from_env({})
    assert settings.port == 8000
    assert settings.base_url == "http://127.0.0.1:8000"


def test_environment_is_typed_and_flags_win():
    env = {
        "KEEPCART_PORT": "9000",
        "KEEPCART_COOKIE_SECURE": "true",
        "KEEPCART_SECRET_KEYS": "new, old",
        "KEEPCART_DB": "/tmp/x.db",
    }
    settings = Settings.from_env(env, port=9100, host=None)
    assert settings.port == 9100
    assert settings.cookie_secure is True
    assert settings.secret_keys == ("new", "old")
    assert settings.db == Path("/tmp/x.db")
    assert settings.secret_file == Path("/tmp/x.db.secret")


def test_bad_values_name_the_variable():
    with pytest.raises(ValueError, match="KEEPCART_PORT"):
        Settings.from_env({"KEEPCART_PORT": "eighty"})
    with pytest.raises(ValueError, match="KEEPCART_COOKIE_SECURE"):
        Settings.from_env({"KEEPCART_COOKIE_SECURE": "maybe"})


def test_public_url_overrides_host_and_port():
    assert Settings(public_url="https://kc.example.com/").base_url == "https://kc.example.com"


def test_readme_documents_every_setting():
    table = README.read_text()
    missing = [env for env, _, _ in describe() if f"`{env}`" not in table]
    assert not missing, f"README settings table misses {missing}"
