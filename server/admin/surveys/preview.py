"""The live preview of a survey: a page on Keepcart's own origin, framed by the survey form,
that loads the real keepcart.js with the store's key and the survey to show.

The survey rides in the admin's preview marker (``#keepcart-offer-preview``,
widget/src/constants.js) as ``{"survey": …}``, the questions as the surveys chunk renders
them (``server.surveys.service.survey_json``): the loader then records nothing and loads only
the chunks the config marks ``preview``; the offers and badges chunks ignore a marker without
their key. With the form's fields in the query (unsaved values) those are shown, read as far
as they read; otherwise the saved survey.
"""

from __future__ import annotations

import dataclasses

from starlette.requests import Request
from starlette.responses import Response

from server.admin.campaigns.reports import PREVIEW_CSP
from server.admin.pages import Merchant, login_required, render, store_for_request
from server.admin.surveys.editing import survey_and_terms
from server.admin.surveys.survey_fields import question_field
from server.admin.surveys.survey_form import preview_survey
from server.admin.surveys.survey_prefill import form_values
from server.surveys.service import survey_json


@login_required
async def preview_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    editing = await survey_and_terms(request, store)
    survey = editing.survey
    if question_field(1, "prompt") in request.query_params:
        typed = preview_survey(form_values(request.query_params), editing.terms)
        survey = dataclasses.replace(typed, id=survey.id, public_id=survey.public_id,
                                     store_id=survey.store_id)  # fmt: skip
    preview = {"survey": survey_json(survey), "currency": store.currency, "locale": store.locale}
    context = {"store": store, "preview": preview, "survey": survey}
    response = render(request, "surveys/preview.html", context, session=merchant.session)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response
