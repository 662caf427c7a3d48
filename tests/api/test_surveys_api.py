"""``/v1/surveys/…``: a visitor's survey, shown, answered question by question, and refused
(with nothing stored) when it shouldn't be; and the survey rows the admin and the API share."""

from __future__ import annotations

import dataclasses

import pytest

from server.services import services
from server.surveys import queries
from server.surveys.model import DEFAULT_SETTINGS, Recontact, SurveySettings
from tests.api.surveying import live_survey, set_survey_settings

pytestmark = pytest.mark.anyio


async def test_a_saved_survey_loads_as_it_was_saved_and_its_status_changes(app, store):
    db = services(app).db
    saved = await live_survey(app, store.id, "checkout_experience", recontact=Recontact("once"))
    assert saved.public_id and saved.public_id.startswith("srv_")
    loaded = await queries.load_survey(db, store.id, saved.public_id)
    assert loaded == saved
    assert loaded.questions[0].type == "ces" and loaded.moments == ("confirmation",)
    edited = dataclasses.replace(saved, name="Renamed", sample_percent=40)
    await db.write(lambda conn: queries.save_survey(conn, edited, 1))
    assert await queries.load_survey(db, store.id, saved.public_id) == edited
    await db.write(lambda conn: queries.set_status(conn, saved.id, "paused", 2))
    [listed] = await queries.list_surveys(db, store.id)
    assert listed.status == "paused"
    assert await queries.load_survey(db, store.id + 1, saved.public_id) is None


async def test_settings_default_until_saved(app, store):
    db = services(app).db
    assert await queries.load_settings(db, store.id) == DEFAULT_SETTINGS
    await set_survey_settings(app, store.id, min_gap_days=3, priority="surveys")
    assert await queries.load_settings(db, store.id) == SurveySettings(3, "surveys")
