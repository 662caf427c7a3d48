"""What a review's words may hold, on the buyer's form and in an imported file alike
(server/reviews/text_checks.py): no name or title that passes itself off as the "Verified
buyer" label, no control characters but line breaks and tabs, no bidi overrides or isolates
(they reorder what a reader sees), and no text made only of invisible characters."""

from __future__ import annotations

import html

import pytest

from tests.api.admin_client import csrf_from, sign_in
from tests.api.reviewing import fulfilled_line, link_path, rows, visible_text

pytestmark = pytest.mark.anyio

FORM = {"rating": "4", "title": "Keeps coffee hot", "body": "Good weight.", "name": "Aoife B."}
REFUSED = [
    ("name", "Verified buyer", "“verified”"),
    ("name", "Aoife (VERIFIED)", "“verified”"),
    ("name", "Ｖｅｒｉｆｉｅｄ Buyer", "“verified”"),  # fullwidth letters read the same
    ("name", "Veri\u200bfied owner", "“verified”"),  # a zero-width space inside
    ("title", "Verified purchase", "“Verified buyer”"),
    ("title", "[Verified] Great mug", "“Verified buyer”"),
    ("body", "Great\u0007 mug", "control characters"),
    ("title", "Great\x1b[31m mug", "control characters"),
    ("body", "Great \u0085mug", "control characters"),  # C1
    ("name", "Aoife \u202eB.", "text-direction"),
    ("body", "I paid \u2066€5\u2069 less", "text-direction"),
    # Run together, split by a soft hyphen or punctuation, or spelled with look-alike letters
    # (a Cyrillic е, dotless ı, a Cyrillic і): the label all the same.
    ("name", "VerifiedBuyer", "“verified”"),
    ("name", "Verified_Buyer", "“verified”"),
    ("name", "Veri\u00adfied Pat", "“verified”"),
    ("name", "V.e.r.i.f.i.e.d", "“verified”"),
    ("name", "V\u0435rified Pat", "“verified”"),
    ("name", "Ver\u0131f\u0131ed", "“verified”"),
    ("title", "VerifiedPurchase!", "“Verified buyer”"),
    ("title", "V\u0435r\u0456fied buyer", "“Verified buyer”"),
    ("title", "Verified-Buyer review", "“Verified buyer”"),
    ("name", "\u200b\u200d\u2060", "invisible"),
    ("name", "\u3164\u3164", "invisible"),  # Hangul fillers: letters to Unicode, shown as nothing
    ("name", "\u115f", "invisible"),
    ("name", "\u2800\u2800 \u2800", "invisible"),  # blank Braille patterns
    ("title", "\u200b \ufeff", "invisible"),
    # Small capitals, enclosed letters, l for I: the label all the same.
    ("name", "ᴠᴇʀɪꜰɪᴇᴅ ʙᴜʏᴇʀ", "“verified”"),
    ("name", "Ve\u0280ified", "“verified”"),
    ("name", "V\u1d07rified", "“verified”"),
    ("name", "🅥🅔🅡🅘🅕🅘🅔🅓", "“verified”"),
    ("title", "VERlFlED BUYER", "“Verified buyer”"),
    ("title", "Ver1f|ed purchase", "“Verified buyer”"),
    # A 3 for an e, or one letter wrong, missing or doubled: a reader still sees the label.
    ("name", "V3rified Pat", "“verified”"),
    ("title", "V3r1fi3d buyer", "“Verified buyer”"),
    ("title", "Veritied buyer", "“Verified buyer”"),
    ("title", "Verfied purchase", "“Verified buyer”"),
    ("name", "Vertified", "“verified”"),
    ("name", "Aoife (Verifed)", "“verified”"),
    # Unicode's default ignorables show nothing: a variation selector, the combining grapheme
    # joiner, Khmer's inherent vowels, a Mongolian variation selector, a tag character.
    ("name", "\u034f", "invisible"),
    ("name", "\ufe0f\ufe0f", "invisible"),
    ("name", "\u17b4\u17b5", "invisible"),
    ("title", "\u180b \U000e0041", "invisible"),
]


@pytest.mark.parametrize(("field", "text", "said"), REFUSED)
async def test_the_review_form_refuses_it_and_writes_nothing(app, client, store, field, text, said):
    path = link_path(app, await fulfilled_line(app, store))
    answer = await client.post(path, data=FORM | {field: text})
    assert answer.status_code == 422
    assert f'id="f-{field}-error"' in answer.text
    assert said in html.unescape(answer.text)
    assert await rows(app, "reviews") == []


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("body", "Line one.\r\nLine two,\twith a tab."),
        ("name", "Siân 👩\u200d🍳"),  # a zero-width joiner inside an emoji is text
        ("body", "שלום \u200fעולם"),  # a right-to-left mark is not an override
        ("title", "Verified that it fits"),  # the word, not the label
        ("name", "Verity B."),
        # "Verified" as a word of a sentence is no label: words are not run together across
        # a clause's end, nor is a name's surname read into its first name.
        ("title", "Verified! Purchased twice"),
        ("title", "Quality verified, customer happy"),
        ("title", "Size verified; review below"),
        ("name", "Dave Rified"),
        ("name", "Vera Fied"),  # a surname is not read into the first name, misspelt or not
        ("title", "Verifies the size chart"),
    ],
)
async def test_the_review_form_takes_ordinary_text(app, client, store, field, text):
    path = link_path(app, await fulfilled_line(app, store))
    answer = await client.post(path, data=FORM | {field: text})
    assert answer.status_code == 200, visible_text(answer.text)[:300]
    assert len(await rows(app, "reviews")) == 1


async def test_an_import_refuses_each_such_row_and_imports_nothing(app, client, merchant, store):
    await fulfilled_line(app, store)
    await sign_in(client)
    csrf = csrf_from((await client.get(f"/admin/stores/{store.id}/reviews/import")).text)
    lines = [
        "MUG-1,5,Fine,Good.,Pat,2024-03-15",
        "MUG-1,5,Fine,Good.,Verified Buyer,2024-03-15",
        "MUG-1,5,Verified purchase,Good.,Sam,2024-03-15",
        "MUG-1,5,Fine,Good \u202enot,Sam,2024-03-15",
        "MUG-1,5,Fine,Good\u0000.,Sam,2024-03-15",
        "MUG-1,5,Fine,Good.,\u200b\u200b,2024-03-15",
    ]
    content = ("sku,rating,title,body,name,date\n" + "\n".join(lines) + "\n").encode()
    answer = await client.post(
        f"/admin/stores/{store.id}/reviews/import",
        data={"csrf_token": csrf, "platform": "Etsy"},
        files={"file": ("reviews.csv", content, "text/csv")},
    )
    assert answer.status_code == 422
    text = html.unescape(visible_text(answer.text))
    for row, column in ((3, "name"), (4, "title"), (5, "body"), (6, "body"), (7, "name")):
        assert f"{row} {column}" in text, (row, column)
    assert "2 name" not in text
    assert await rows(app, "reviews") == []


@pytest.mark.parametrize("platform", ["Verified Buyers", "ᴠᴇʀɪꜰɪᴇᴅ reviews", "[Verified]"])
async def test_an_imports_platform_may_not_read_like_the_label(
    app, client, merchant, store, platform
):
    """Shoppers read where imported reviews come from in "How reviews work here"."""
    await fulfilled_line(app, store)
    await sign_in(client)
    csrf = csrf_from((await client.get(f"/admin/stores/{store.id}/reviews/import")).text)
    content = b"sku,rating,title,body,name,date\nMUG-1,5,Fine,Good.,Pat,2024-03-15\n"
    answer = await client.post(
        f"/admin/stores/{store.id}/reviews/import",
        data={"csrf_token": csrf, "platform": platform},
        files={"file": ("reviews.csv", content, "text/csv")},
    )
    assert answer.status_code == 422
    assert 'id="f-platform-error"' in answer.text
    assert "“Verified buyer” label" in html.unescape(answer.text)
    assert await rows(app, "reviews") == []
