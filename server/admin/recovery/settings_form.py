"""Reading the cart recovery form: every field checked, every error at once."""

from __future__ import annotations

from collections.abc import Callable

from server.forms import FormReader, parse_line, parse_text, positive_money, whole
from server.money import format_major_units
from server.recovery.links import origin_of
from server.recovery.model import (
    INCENTIVE_KINDS,
    MAX_DELAY_MINUTES,
    MAX_HOLDOUT,
    MAX_STEPS,
    MAX_TEXT,
    MODES,
    Incentive,
    RecoverySettings,
    Step,
)
from server.stores.service import Store

STEP_FIELDS = ("minutes", "incentive", "value", "days")
FIELDS = (
    "mode", "notice_text", "consent_text", "sms_text", "shop_url", "holdout_percent",
    *(f"step{n}_{name}" for n in range(1, MAX_STEPS + 1) for name in STEP_FIELDS),
)  # fmt: skip
FLAGS = tuple(f"step{n}_enabled" for n in range(1, MAX_STEPS + 1))


def initial(settings: RecoverySettings, store: Store) -> dict[str, str]:
    values = {
        "mode": settings.mode,
        "notice_text": settings.notice_text,
        "consent_text": settings.consent_text,
        "sms_text": settings.sms_text,
        "shop_url": settings.shop_url,
        "holdout_percent": str(settings.holdout_percent),
    }
    for number, step in enumerate(settings.steps, start=1):
        incentive = step.incentive
        value = ""
        if incentive and incentive.kind == "fixed":
            value = format_major_units(incentive.value, store.currency)
        elif incentive and incentive.kind == "percent":
            value = str(incentive.value)
        values |= {
            f"step{number}_minutes": str(step.delay_minutes),
            f"step{number}_enabled": str(step.enabled).lower(),
            f"step{number}_incentive": incentive.kind if incentive else "none",
            f"step{number}_value": value,
            f"step{number}_days": str(incentive.days) if incentive else "7",
        }
    return values


def read_settings(values: dict[str, str], store: Store) -> RecoverySettings:
    form = FormReader(values)
    mode = form.read("mode", _one_of(MODES, "Choose how reminders are asked for."), "consent")
    texts = {
        name: form.read(name, lambda text: parse_text("the wording", 1, MAX_TEXT, text), "")
        for name in ("notice_text", "consent_text", "sms_text")
    }
    shop_url = form.read("shop_url", lambda text: _shop_url(text, store), "")
    holdout = form.read("holdout_percent", whole(0, MAX_HOLDOUT), 0)
    steps = tuple(_read_step(form, number, store) for number in range(1, MAX_STEPS + 1))
    for number in range(2, MAX_STEPS + 1):
        if steps[number - 1].delay_minutes <= steps[number - 2].delay_minutes:
            form.fail(f"step{number}_minutes", "Each reminder comes later than the one before.")
    form.done()
    return RecoverySettings(
        mode, texts["notice_text"], texts["consent_text"], shop_url, holdout, steps,
        texts["sms_text"],
    )  # fmt: skip


def _read_step(form: FormReader, number: int, store: Store) -> Step:
    name = f"step{number}_"
    minutes = form.read(name + "minutes", whole(1, MAX_DELAY_MINUTES), 1)
    kind = form.read(
        name + "incentive", _one_of(("none", *INCENTIVE_KINDS), "Choose an incentive."), "none"
    )
    incentive = None
    if kind != "none":
        value = 0
        if kind == "percent":
            value = form.read(name + "value", whole(1, 100, "Enter a percent from 1 to 100."), 0)
        elif kind == "fixed":
            value = form.read(name + "value", lambda text: positive_money(store.currency, text), 0)
        days = form.read(name + "days", whole(1, 90), 1)
        incentive = Incentive(kind, value, days)
    return Step(minutes, form.flag(name + "enabled"), incentive)


def _one_of(options: tuple[str, ...], message: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(message)
        return text

    return parse


def _shop_url(text: str, store: Store) -> str:
    """Empty (the store's first origin), or a page on one of the store's origins."""
    url = parse_line("the shop page", 0, 500, text)
    if url and origin_of(url) not in store.origins:
        raise ValueError(
            "Enter a page on one of the store's sites: "
            + ", ".join(sorted(store.origins) or ["(none is set)"])
            + "."
        )
    return url
