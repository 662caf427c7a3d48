import pytest

from server.urls import BadAddress, normalize_image_url, normalize_origin


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://Shop.Example.com/", "https://shop.example.com"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
        (" http://localhost:3000 ", "http://localhost:3000"),
        ("https://shop.test:443", "https://shop.test"),  # browsers leave the default port out
        ("http://[::1]:8001", "http://[::1]:8001"),
        ("http://[2001:DB8::1]/", "http://[2001:db8::1]"),
        ("http://[0:0:0:0:0:0:0:1]:8001", "http://[::1]:8001"),  # compressed, as browsers do
        ("http://[::FFFF:1.2.3.4]", "http://[::ffff:102:304]"),
        ("https://Bücher.de", "https://xn--bcher-kva.de"),  # international names in punycode
        ("http://my_shop.local:8080", "http://my_shop.local:8080"),
    ],
)
def test_origins_are_spelled_as_browsers_send_them(raw, expected):
    assert normalize_origin(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("shop.example.com", "not an origin"),
        ("ftp://x.test", "not an origin"),
        ("https://x.test/path", "leave out paths"),
        ("https://u@x.test", "leave out paths"),
        ("http://x.test:99999", "port must be a number from 1 to 65535"),
        ("http://x.test:0", "port must be a number from 1 to 65535"),
        ("http://x.test:port", "port must be a number from 1 to 65535"),
        ("http://[::1", "needs both its brackets"),
        ("http://[::1]]", "needs both its brackets"),
        ("http://[zz]:80", "not an IPv6 address"),
        ("http://exa mple.test", "not an origin"),
        ("http://x.test\x00", "not an origin"),
        ("http://[fe80::1%25eth0]", "zone"),  # browsers refuse zone ids
        ("http://127.1", "IP address in full"),  # a browser would send 127.0.0.1
        ("http://0x7f.0.0.1", "IP address in full"),
        ("http://a..b", "not a domain name"),
        ("https://bü..de", "xn-- form"),
        ("https://*.example.com", "list each address"),
        ("https://b%C3%BCcher.de", "not %-encoded"),
        ("https://bücher.de.", "dot at the end"),
        ("https://shop.example.com.", "dot at the end"),
    ],
)
def test_anything_but_an_origin_is_refused_with_the_reason(raw, says):
    with pytest.raises(BadAddress, match=says):
        normalize_origin(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", ""),
        (" /images/mug.png ", "/images/mug.png"),
        ("https://cdn.shop.test/mug.png?v=2", "https://cdn.shop.test/mug.png?v=2"),
        ("http://[::1]:8001/mug.png", "http://[::1]:8001/mug.png"),
    ],
)
def test_image_urls(raw, expected):
    assert normalize_image_url(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["//evil.test/x.png", "javascript:alert(1)", "ftp://x.test/a.png", "http://[::1/a.png",
     "http://x.test:70000/a.png", "https://u:p@x.test/a.png", "/a b.png", "https://x.test/"
     + "a" * 2000],
)  # fmt: skip
def test_image_urls_that_are_not_are_refused(raw):
    with pytest.raises(BadAddress):
        normalize_image_url(raw)
