"""Quick feedback surveys in the admin, under ``/admin/stores/{id}/surveys``.

editing.py ....... the list with the store's survey settings, a new survey from a template,
                   the survey form, status changes
survey_form.py ... the survey form read into a Survey, every error at once
survey_prefill.py  a survey as form text
preview.py ....... the live preview in the real widget
results_page.py .. the results (filtered), the written answers and the CSV
results_view.py .. the results as charts, figures and words
results_queries.py the SQL behind them
remedy_queries.py  what the offers linked to answers earned (on the results page)
export.py ........ the responses' CSV
labels.py ........ what the pages call moments, question types, signals and devices

The maths of the results is ``server.surveys.results`` and ``server.offers.stats``.
"""

from __future__ import annotations

from starlette.routing import Route

from server.admin.surveys import editing, preview, results_page

BASE = "/stores/{store_id:id}/surveys"
ONE = BASE + "/{survey:str}"
# The store's own pages (new, settings) before a survey's: neither is a survey's id.
routes = [
    Route(BASE, editing.settings_form.show, methods=["GET"]),
    Route(BASE, editing.create_survey, methods=["POST"]),
    Route(BASE + "/new", editing.new_survey_page, methods=["GET"]),
    Route(BASE + "/settings", editing.settings_form.save, methods=["POST"]),
    Route(ONE, editing.edit_survey.show, methods=["GET"]),
    Route(ONE, editing.edit_survey.save, methods=["POST"]),
    Route(ONE + "/status/{status:str}", editing.change_status, methods=["POST"]),
    Route(ONE + "/results", results_page.results_page, methods=["GET"]),
    Route(ONE + "/results.csv", results_page.results_csv, methods=["GET"]),
    Route(ONE + "/answers", results_page.answers_page, methods=["GET"]),
    Route(ONE + "/preview", preview.preview_page, methods=["GET"]),
]
