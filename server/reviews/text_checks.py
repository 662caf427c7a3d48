"""What a review's words may hold, whoever writes them (a buyer's form or an imported file).

- No name or title may pass itself off as Keepcart's "Verified buyer" label: that label is
  given by how a review was collected, and an imported "Verified buyer" is exactly what it
  must never look like. Letters are compared as a reader sees them, and alone: fullwidth
  forms, accents, zero-width characters, soft hyphens, punctuation, digits and spaces do not
  hide the word ("VerifiedBuyer", "Verified_Buyer"), nor do look-alike letters of another
  script or of Latin ("vеrified" with a Cyrillic е, a dotless ı), mapped to the Latin letters
  they pass for by Unicode's confusables data (the ``confusable_homoglyphs`` package).
- No control characters but line breaks and tabs (C0 and C1: they can ring, erase or restyle
  what a terminal or a log shows), and no bidi overrides or isolates (U+202A–U+202E,
  U+2066–U+2069): they reorder the text a reader sees, so a review could show words other
  than those stored.
- No text made only of invisible characters: a name must be readable. The Hangul fillers and
  the blank Braille pattern count as invisible: they are letters or symbols to Unicode, and
  show nothing.

Each check raises ValueError with the field's message (``FormReader`` ties it to the field).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but \t and \n (\r\n is read first)
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_LABEL_TITLE = re.compile(r"[\[(]\W*verified\W*[\])]")  # "[Verified] Great mug"
_LABEL_WORDS = re.compile("verified(buyer|purchase|purchaser|customer|owner|review|reviewer|user)")
_NOT_LETTERS = re.compile(r"[\W_\d]")
# Shown as nothing, though Unicode files them as letters (Hangul) or a symbol (Braille).
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def check_characters(what: str, text: str) -> str:
    """``text`` as given, once it holds no control character (but line breaks and tabs) and
    no bidi override or isolate, and is not made only of invisible characters."""
    if _CONTROLS.search(text.replace("\r\n", "\n")):
        raise ValueError(f"Remove the control characters (invisible codes) from {what}.")
    if _BIDI_CONTROLS.search(text):
        raise ValueError(
            f"Remove the text-direction codes (U+202A–U+202E, U+2066–U+2069) from {what}."
        )
    if text.strip() and not _visible(text):
        raise ValueError(f"Write {what} in visible characters, not invisible ones alone.")
    return text


def check_not_a_name_label(text: str) -> str:
    if "verified" in _letters(text):
        raise ValueError(
            "A name can't say “verified”: the “Verified buyer” label is Keepcart's to give."
        )
    return text


def check_not_a_title_label(text: str) -> str:
    letters = _letters(text)
    if letters == "verified" or _LABEL_WORDS.search(letters) or _LABEL_TITLE.search(_as_read(text)):
        raise ValueError(
            "A title can't read like the “Verified buyer” label: Keepcart gives it to reviews"
            " written through an order's link."
        )
    return text


def _visible(text: str) -> str:
    """``text`` without whitespace and format characters (zero-width spaces and joiners,
    marks of direction, the byte-order mark)."""
    return "".join(c for c in text if not (c.isspace() or _invisible(c)))


def _invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf" or c in _FILLERS


def _as_read(text: str) -> str:
    """Letters as a reader takes them: compatibility forms folded (fullwidth, ligatures),
    accents and invisible characters dropped, case folded, look-alikes taken as the Latin
    letters they pass for."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if unicodedata.category(c) != "Mn" and not _invisible(c))
    return "".join(_latin_look(c) for c in "".join(kept).casefold())


def _letters(text: str) -> str:
    """``text`` as read, letters only: nothing between them hides a word."""
    return _NOT_LETTERS.sub("", _as_read(text))


@cache
def _latin_look(c: str) -> str:
    """The Latin letter ``c`` is confusable with (Cyrillic е → e, dotless ı → i), else ``c``;
    ASCII stays as it is (Unicode lists "l" and "I" as each other's look-alikes)."""
    if c.isascii():
        return c
    for homoglyph in confusables_data.get(c, ()):
        found = homoglyph["c"].strip("\u200e")
        if len(found) == 1 and found.isascii() and found.isalpha():
            return found.lower()
    return c
