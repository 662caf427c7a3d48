"""Trust badges and social proof in the admin, under ``/admin/stores/{id}/trust`` (owners).

page.py .......... the Trust page: settings form, each badge's fact, snippets, results
settings_form.py . the settings as form text and back
snippets.py ...... the markup to paste for the inline placements
results_view.py .. the holdout's results in words
preview.py ....... the live preview of the real widget, framed by the page

The rules are ``server.trust`` (facts, model, results); the maths of the results is the
campaigns' (``server.offers.results`` and ``server.offers.stats``).
"""

from __future__ import annotations

from starlette.routing import Route

from server.admin.trust import page, preview

BASE = "/stores/{store_id:id}/trust"
routes = [
    Route(BASE, page.trust_page.show, methods=["GET"]),
    Route(BASE, page.trust_page.save, methods=["POST"]),
    # Not ".../preview", the campaigns' name for a preview whose offer dialog opens.
    Route(BASE + "/widget-preview", preview.preview_page, methods=["GET"]),
]
