"""What any text a shopper or merchant writes may hold, whatever it is for (a review, a survey
answer, an imported file):

- No control characters but line breaks and tabs (C0 and C1: they can ring, erase or restyle
  what a terminal or a log shows), and no bidi overrides or isolates (U+202A–U+202E,
  U+2066–U+2069): they reorder the text a reader sees, so it could show words other than
  those stored.
- No text made only of invisible characters: it must be readable. Unicode's default
  ignorable code points (variation selectors, the combining grapheme joiner, Khmer's
  inherent vowels…), the Hangul fillers and the blank Braille pattern count as invisible.

``check_characters`` raises ValueError with the field's message (``FormReader`` ties it to the
field; an API turns it into its own error).
"""

from __future__ import annotations

import re
import unicodedata

_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all but \t and \n (\r\n is read first)
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt; Python's unicodedata has
# no such property), and the blank Braille pattern: shown as nothing.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)


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


def is_invisible(c: str) -> bool:
    """Whether the character ``c`` shows as nothing: a format character (zero-width spaces
    and joiners, marks of direction, the byte-order mark) or another invisible one."""
    return unicodedata.category(c) == "Cf" or _INVISIBLE.match(c) is not None


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: a character other than whitespace and invisible ones
    (``_INVISIBLE``, dropped first in one pass: a long text of them is quick)."""
    return any(not (c.isspace() or is_invisible(c)) for c in _INVISIBLE.sub("", text))
