"""The holdout's two halves agree: the badges chunk decides in the browser who is held out
(widget/src/badges/holdout.js) and the server computes the arm it records for the exposure
(server/trust/holdout.py). Both run here on the same inputs, and on FNV-1a's published
vectors; should they ever differ, a visitor would be counted in an arm they never saw."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from server.trust.holdout import HOLDOUT, SHOWN, arm_for, bucket, fnv1a_32

WIDGET = Path(__file__).resolve().parents[2] / "widget"
# 32-bit FNV-1a test vectors published with the reference code (isthe.com/chongo/tech/comp/fnv).
PUBLISHED = {"": 0x811C9DC5, "a": 0xE40C292C, "foobar": 0xBF9CF968}
# What the chunk computes for each (element, visitor, percent), as JSON on stdout.
JS = """
import { bucket, fnv1a32, heldOut } from "./src/badges/holdout.js";
const cases = JSON.parse(process.argv[1]);
console.log(JSON.stringify({
  hashes: cases.texts.map(fnv1a32),
  buckets: cases.pairs.map(([element, visitor]) => bucket(element, visitor)),
  held: cases.pairs.map(([element, visitor, percent]) => heldOut(element, visitor, percent)),
}));
"""


def visitors() -> list[str]:
    """Ids as the widget makes them (a stored visitor, a session without consent), and odd ones."""
    made = [f"v_{secrets.token_hex(8)}" for _ in range(150)]
    made += [f"s:s_{secrets.token_hex(8)}" for _ in range(50)]
    return [*made, "v_0000000000000000", "a", "-", "x" * 64, "ü-visitor"]


def run_js(texts: list[str], pairs: list[tuple[str, str, int]]) -> dict:
    result = subprocess.run(
        ["node", "--input-type=module", "-e", JS, json.dumps({"texts": texts, "pairs": pairs})],
        cwd=WIDGET,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_python_matches_the_published_vectors():
    assert {text: fnv1a_32(text) for text in PUBLISHED} == PUBLISHED


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run JavaScript")
def test_the_browser_and_the_server_put_every_visitor_in_the_same_arm():
    ids = visitors()
    pairs = [
        (element, visitor, percent)
        for element in ("badges", "proof")
        for visitor, percent in zip(ids, [0, 1, 10, 20, 37, 50, 99, 100] * len(ids), strict=False)
    ]
    texts = [*PUBLISHED, *(f"{element}:{visitor}" for element, visitor, _ in pairs)]
    answer = run_js(texts, pairs)

    assert answer["hashes"] == [fnv1a_32(text) for text in texts]
    assert answer["buckets"] == [bucket(element, visitor) for element, visitor, _ in pairs]
    arms = [HOLDOUT if held else SHOWN for held in answer["held"]]
    assert arms == [arm_for(element, visitor, percent) for element, visitor, percent in pairs]
    assert {HOLDOUT, SHOWN} <= set(arms)  # both arms were exercised
