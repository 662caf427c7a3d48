"""The install card warns when shoppers' browsers cannot reach the snippet's address."""

from __future__ import annotations

import pytest

from server.admin.overview.install import snippet_warnings


def test_no_warning_for_a_public_address():
    assert snippet_warnings("https://keepcart.shop.example", "https://keepcart.shop.example") == []


def test_an_unset_public_url_on_loopback_gets_both_warnings_with_what_to_set():
    warnings = snippet_warnings("", "http://127.0.0.1:8000")
    assert len(warnings) == 2
    assert "KEEPCART_PUBLIC_URL is not set" in warnings[0]
    assert "http://127.0.0.1:8000" in warnings[0]
    assert "127.0.0.1" in warnings[1] and "never for your shoppers" in warnings[1]


def test_an_unset_public_url_on_a_real_interface_still_warns_once():
    warnings = snippet_warnings("", "http://10.0.0.5:8000")
    assert len(warnings) == 1 and "KEEPCART_PUBLIC_URL" in warnings[0]


@pytest.mark.parametrize(
    "url", ["http://localhost:8000", "http://[::1]:8000", "http://0.0.0.0:8000",
            "http://127.1.2.3", "http://app.localhost"],
)  # fmt: skip
def test_a_public_url_set_to_this_machine_is_still_unreachable(url):
    assert len(snippet_warnings(url, url)) == 1
