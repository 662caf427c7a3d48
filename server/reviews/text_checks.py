"""What a review's words may hold, whoever writes them (a buyer's form or an imported file).

- No name, title or import's platform may pass itself off as Keepcart's "Verified buyer"
  label: that label is given by how a review was collected, and an imported "Verified buyer"
  is exactly what it must never look like. Letters are compared as a reader sees them (a
  skeleton in the manner of Unicode's UTS #39): compatibility forms folded (fullwidth,
  circled), accents and invisible characters dropped, look-alike letters of another script
  or of Latin ("vеrified" with a Cyrillic е, a dotless ı) mapped to the Latin letters they
  pass for by Unicode's confusables data (the ``confusable_homoglyphs`` package, which has
  no skeleton of its own), and small capitals and enclosed letters (ᴠᴇʀɪꜰɪᴇᴅ, 🅥🅔🅡) by
  their Unicode names; for the label only, l, 1, | and ı are read as i and 3 as e
  ("VERlFlED", "V3rified"), and a word one letter off ("Veritied", "Verfied", "Vertified")
  is read as the label (within a word: "Vera Fied" is a name).
  The label is matched as words, not as letters run together across the whole text: a word
  starting "verified" followed, in the same word or in the words after it up to a clause's
  end (a comma, a full stop…), by buyer, purchase, customer, owner, review or user ("Verified
  buyer", "VerifiedBuyer", "V.e.r.i.f.i.e.d buyer"), or a title that is the word alone. A
  name may not hold the word at all; "Dave Rified" is a name, "Size verified; review below"
  a title.
- No control characters but line breaks and tabs (C0 and C1: they can ring, erase or restyle
  what a terminal or a log shows), and no bidi overrides or isolates (U+202A–U+202E,
  U+2066–U+2069): they reorder the text a reader sees, so a review could show words other
  than those stored.
- No text made only of invisible characters: a name must be readable. Unicode's default
  ignorable code points (variation selectors, the combining grapheme joiner, Khmer's
  inherent vowels…), the Hangul fillers and the blank Braille pattern count as invisible.

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
_LABEL = "verified"
_LABEL_WORDS = re.compile("verified(buyer|purchase|customer|owner|review|user)")
_WORDS = re.compile(r"[^\W\d_]+")
_CLAUSE_END = re.compile(r"[,;:!?.]+\s")  # "Verified! Purchased twice": two clauses
_READ_AS_I = str.maketrans("l1|3", "iiie")  # the dotless ı is mapped to i by the confusables
# Unicode's Default_Ignorable_Code_Point (DerivedCoreProperties.txt; Python's unicodedata has
# no such property), and the blank Braille pattern: shown as nothing.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0000-\U000e0fff]"
)
# A Latin letter by its Unicode name, whatever encloses or shrinks it: "LATIN LETTER SMALL
# CAPITAL R" (ʀ), "NEGATIVE CIRCLED LATIN CAPITAL LETTER V" (🅥), "LATIN SMALL LETTER DOTLESS
# I" (ı); not "LATIN SMALL LETTER TURNED E" (ǝ), which is another letter.
_LATIN_NAMED = re.compile(
    r"\bLATIN (?:CAPITAL |SMALL )?LETTER (?:SMALL CAPITAL |DOTLESS )?([A-Z])(?: WITH [A-Z ]+)?$"
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


def check_not_a_name_label(text: str) -> str:
    """A name holding the word "verified" (however spelled, split or disguised) is refused."""
    words = _label_words(_label_read(text))
    if any(_joined(words, start).startswith(_LABEL) for start in range(len(words))):
        raise ValueError(
            "A name can't say “verified”: the “Verified buyer” label is Keepcart's to give."
        )
    return text


def check_not_a_title_label(text: str, what: str = "A title") -> str:
    """A title (or an import's platform) that reads like the label is refused: "verified"
    followed by buyer, purchase… in the same clause, or the word alone, or in brackets."""
    read = _label_read(text)
    if "".join(_label_words(read)) == _LABEL or _LABEL_TITLE.search(read) or _says_label(read):
        raise ValueError(
            f"{what} can't read like the “Verified buyer” label: Keepcart gives it to reviews"
            " written through an order's link."
        )
    return text


def _says_label(read: str) -> bool:
    for clause in _CLAUSE_END.split(read):
        words = _label_words(clause)
        if any(_LABEL_WORDS.match(_joined(words, start)) for start in range(len(words))):
            return True
    return False


def _label_words(read: str) -> list[str]:
    """The words of ``read`` (as ``_label_read`` gives it), each starting one letter off the
    label (a letter wrong, missing or doubled: "veritied", "verfied", "vertified") spelled as
    the label: a reader takes it for the label all the same."""
    return [_as_label(word) for word in _WORDS.findall(read)]


def _as_label(word: str) -> str:
    for length in (len(_LABEL), len(_LABEL) - 1, len(_LABEL) + 1):
        if len(word) >= length and _one_edit_at_most(word[:length], _LABEL):
            return _LABEL + word[length:]
    return word


def _one_edit_at_most(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by changing, dropping or adding one letter at most."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = sorted((a, b), key=len)
    if len(long) - len(short) != 1:
        return False
    first = next(
        (i for i, (x, y) in enumerate(zip(short, long[: len(short)], strict=True)) if x != y),
        len(short),
    )
    return short[first:] == long[first + 1 :]


def _joined(words: list[str], start: int) -> str:
    """The words from ``start`` on, run together: a word split up ("V e r i f i e d",
    "Veri-fied") reads whole again, and "Dave Rified" still starts with "rified"."""
    return "".join(words[start:])


def _visible(text: str) -> bool:
    """Whether ``text`` shows anything: a character other than whitespace, format characters
    (zero-width spaces and joiners, marks of direction, the byte-order mark) and the other
    invisible ones (``_INVISIBLE``, dropped first in one pass: a long text of them is quick)."""
    return any(not (c.isspace() or _invisible(c)) for c in _INVISIBLE.sub("", text))


def _invisible(c: str) -> bool:
    return unicodedata.category(c) == "Cf" or _INVISIBLE.match(c) is not None


def _as_read(text: str) -> str:
    """Letters as a reader takes them: compatibility forms folded (fullwidth, ligatures),
    accents and invisible characters dropped, case folded, look-alikes taken as the Latin
    letters they pass for."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if unicodedata.category(c) != "Mn" and not _invisible(c))
    return "".join(_latin_look(c) for c in "".join(kept).casefold())


def _label_read(text: str) -> str:
    """``text`` as read (``_as_read``), with l, 1 and | read as i: they stand for it in
    "VERlFlED"; for the label only, where an i-less word is not at stake."""
    return _as_read(text).translate(_READ_AS_I)


@cache
def _latin_look(c: str) -> str:
    """The Latin letter ``c`` is or passes for (ʀ → r, 🅥 → v, Cyrillic е → e, dotless ı → i),
    else ``c``; ASCII stays as it is (Unicode lists "l" and "I" as each other's look-alikes)."""
    if c.isascii():
        return c
    named = _LATIN_NAMED.search(unicodedata.name(c, ""))
    if named:
        return named.group(1).lower()
    for homoglyph in confusables_data.get(c, ()):
        found = homoglyph["c"].strip("\u200e")
        if len(found) == 1 and found.isascii() and found.isalpha():
            return found.lower()
    return c
