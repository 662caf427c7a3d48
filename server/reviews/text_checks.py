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
- No control characters but line breaks and tabs, no bidi overrides or isolates, and no text
  made only of invisible characters: ``check_characters``, which lives in ``server.characters``
  (survey answers are checked by it too) and is kept importable from here.

Each check raises ValueError with the field's message (``FormReader`` ties it to the field).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

from server.characters import is_invisible

_LABEL_TITLE = re.compile(r"[\[(]\W*verified\W*[\])]")  # "[Verified] Great mug"
_LABEL = "verified"
_LABEL_WORDS = re.compile("verified(buyer|purchase|customer|owner|review|user)")
_WORDS = re.compile(r"[^\W\d_]+")
_CLAUSE_END = re.compile(r"[,;:!?.]+\s")  # "Verified! Purchased twice": two clauses
_READ_AS_I = str.maketrans("l1|3", "iiie")  # the dotless ı is mapped to i by the confusables
# A Latin letter by its Unicode name, whatever encloses or shrinks it: "LATIN LETTER SMALL
# CAPITAL R" (ʀ), "NEGATIVE CIRCLED LATIN CAPITAL LETTER V" (🅥), "LATIN SMALL LETTER DOTLESS
# I" (ı); not "LATIN SMALL LETTER TURNED E" (ǝ), which is another letter.
_LATIN_NAMED = re.compile(
    r"\bLATIN (?:CAPITAL |SMALL )?LETTER (?:SMALL CAPITAL |DOTLESS )?([A-Z])(?: WITH [A-Z ]+)?$"
)


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


def _as_read(text: str) -> str:
    """Letters as a reader takes them: compatibility forms folded (fullwidth, ligatures),
    accents and invisible characters dropped, case folded, look-alikes taken as the Latin
    letters they pass for."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if unicodedata.category(c) != "Mn" and not is_invisible(c))
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
