"""How long an SMS is, as a provider bills it: GSM-7 (160 characters in one SMS, 153 a segment
when split, an extension character counting twice) or else UCS-2 (70, and 67), a character
never split across two segments."""

from __future__ import annotations

import pytest

from server.messages.sms_segments import GSM_7, UCS_2, SmsSize, sms_size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("", SmsSize(0, 0, GSM_7)),
        ("a" * 160, SmsSize(160, 1, GSM_7)),
        ("a" * 161, SmsSize(161, 2, GSM_7)),
        ("a" * 306, SmsSize(306, 2, GSM_7)),
        ("a" * 307, SmsSize(307, 3, GSM_7)),
        ("Café à 5 €, très bien? [oui]", SmsSize(28, 1, GSM_7)),  # é à è GSM-7; € [ ] count 2
        ("€" * 80, SmsSize(80, 1, GSM_7)),  # 160 septets
        ("€" * 81, SmsSize(81, 2, GSM_7)),
        # 306 septets would fit two segments, but the € may not straddle the first's end
        ("a" * 152 + "€" + "a" * 152, SmsSize(305, 3, GSM_7)),
    ],
)
def test_gsm_7_text_is_counted_in_septets(text, size):
    assert sms_size(text) == size


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("ą" * 70, SmsSize(70, 1, UCS_2)),
        ("ą" * 71, SmsSize(71, 2, UCS_2)),
        ("ą" * 134, SmsSize(134, 2, UCS_2)),
        ("ą" * 135, SmsSize(135, 3, UCS_2)),
        # a typographic apostrophe is not GSM-7: the whole text goes as UCS-2
        ("Your cart’s waiting", SmsSize(19, 1, UCS_2)),
        ("a" * 69 + "😀", SmsSize(70, 2, UCS_2)),  # an emoji is two UTF-16 units
        ("a" * 66 + "😀" + "a" * 66, SmsSize(133, 3, UCS_2)),  # nor split between segments
    ],
)
def test_other_text_is_counted_in_utf_16_units(text, size):
    assert sms_size(text) == size


def test_the_escape_character_itself_is_not_gsm_7_text():
    assert sms_size("\x1b").encoding == UCS_2
