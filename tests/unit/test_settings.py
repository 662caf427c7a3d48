from pathlib import Path

import pytest

from server.cli import main
from server.settings import Settings, describe, trusted_proxies

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


def test_private_webhook_destinations_are_the_operators_and_refused_by_default():
    assert Settings.from_env({}).webhooks_allow_private is False
    env = {"KEEPCART_WEBHOOKS_ALLOW_PRIVATE": "1"}
    assert Settings.from_env(env).webhooks_allow_private is True


def test_bad_values_name_the_variable():
    with pytest.raises(ValueError, match="KEEPCART_PORT"):
        Settings.from_env({"KEEPCART_PORT": "eighty"})
    with pytest.raises(ValueError, match="KEEPCART_COOKIE_SECURE"):
        Settings.from_env({"KEEPCART_COOKIE_SECURE": "maybe"})


@pytest.mark.parametrize(
    ("raw", "trusted"),
    [
        ("127.0.0.1,::1", ["127.0.0.1", "::1"]),
        ("*", ["*"]),
        (" 10.0.0.0/8, 192.168.1.7/24 ,fd00::/8", ["10.0.0.0/8", "192.168.1.0/24", "fd00::/8"]),
        ("", []),
    ],
)
def test_forwarded_proxies_are_addresses_or_ranges(raw, trusted):
    assert (
        trusted_proxies(
            Settings.from_env({"KEEPCART_FORWARDED_ALLOW_IPS": raw}).forwarded_allow_ips
        )
        == trusted
    )


@pytest.mark.parametrize(
    "raw", ["proxy.internal", "10.0.0.0/33", "10.0.0.256", "127.0.0.1 10.0.0.2", "*,10.0.0.1"]
)
def test_an_unreadable_forwarded_proxy_refuses_to_start(raw, capsys, monkeypatch):
    """uvicorn would take the entry as a name no client has, and trust no proxy: every
    shopper would have the proxy's address, silently."""
    with pytest.raises(ValueError, match="KEEPCART_FORWARDED_ALLOW_IPS"):
        Settings.from_env({"KEEPCART_FORWARDED_ALLOW_IPS": raw})
    monkeypatch.setenv("KEEPCART_FORWARDED_ALLOW_IPS", raw)
    with pytest.raises(SystemExit) as exited:
        main(["serve"])
    assert exited.value.code == 2
    said = capsys.readouterr().err
    assert "KEEPCART_FORWARDED_ALLOW_IPS" in said and "not an IP address, a CIDR range" in said


def test_public_url_overrides_host_and_port():
    assert Settings(public_url="https://kc.example.com/").base_url == "https://kc.example.com"


def test_readme_documents_every_setting():
    table = README.read_text()
    missing = [env for env, _, _ in describe() if f"`{env}`" not in table]
    assert not missing, f"README settings table misses {missing}"
