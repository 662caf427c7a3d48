"""How long an SMS is as a provider sends and bills it (3GPP TS 23.038 and 23.040), for the
admin's page of one SMS.

A text every character of which GSM-7 has goes as GSM-7: 160 septets in one SMS; a longer
one is split into segments of 153 (each carries a header saying how to join them), and a
character of the extension table (€, [, ], {, }, ~, ^, |, backslash, form feed) takes two
septets, never split across two segments. Any other text goes as UCS-2, in UTF-16 code
units: 70 in one SMS, 67 a segment when split, a character outside the Basic Multilingual
Plane (an emoji) taking two, never split either. One character outside GSM-7 (a typographic
apostrophe) is enough to send the whole text as UCS-2.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM_7, UCS_2 = "GSM-7", "UCS-2"
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("\f^{}\\[~]|€")
# (in one SMS, in each segment of a split one), in the encoding's units.
_LIMITS = {GSM_7: (160, 153), UCS_2: (70, 67)}


@dataclass(frozen=True)
class SmsSize:
    characters: int
    segments: int  # 0 for an empty text
    encoding: str  # GSM_7 or UCS_2


def sms_size(text: str) -> SmsSize:
    """``text``'s length in characters, and in the SMS segments it is sent as."""
    if all(char in _GSM_BASIC or char in _GSM_EXTENDED for char in text):
        encoding, units = GSM_7, [2 if char in _GSM_EXTENDED else 1 for char in text]
    else:
        encoding, units = UCS_2, [2 if ord(char) > 0xFFFF else 1 for char in text]
    return SmsSize(len(text), _segments(units, *_LIMITS[encoding]), encoding)


def _segments(units: list[int], single: int, each: int) -> int:
    if sum(units) <= single:
        return 1 if units else 0
    segments, used = 1, 0
    for width in units:
        if used + width > each:  # a character's units stay in one segment
            segments, used = segments + 1, 0
        used += width
    return segments
