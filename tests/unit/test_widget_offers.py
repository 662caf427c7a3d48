"""The widget's JavaScript unit tests (widget/test/*.test.mjs), run with Node's built-in test
runner: the offers' rules and shared budget, and the checkout's pure parts (field rules, money
and dates, address rules, cart figures, form decisions, latest-wins quotes and carts, details)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

WIDGET = Path(__file__).resolve().parents[2] / "widget"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run JavaScript")
def test_offer_rules_and_budget_in_javascript():
    result = subprocess.run(
        ["node", "--test", "test/"],
        cwd=WIDGET,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": "UTC"},  # the shopper's own date, in the badges' tests
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
