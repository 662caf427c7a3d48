"""Exit-intent offer campaigns in the admin, under ``/admin/stores/{id}/campaigns``.

editing.py ... the list, the campaign form (new, edit), status changes, offer settings
reports.py ... a campaign's results against its holdout, and the live widget preview
campaign_form.py ... the campaign form read into a Campaign, every error at once
campaign_prefill.py a campaign as form text, and the variant an unsaved form describes
cart_emails.py "email me my cart" requests, for the merchant to follow up (and a CSV)
gifts.py ..... the gift picker's product search (JSON)
queries.py ... the SQL: exposure counts, attribution, store offer settings

The maths of the results is
`server.offers.results` and `server.offers.stats`.
"""

from __future__ import annotations

from starlette.routing import Route

from server.admin.campaigns import cart_emails, editing, gifts, reports

BASE = "/stores/{store_id:id}/campaigns"
ONE = BASE + "/{campaign:str}"
routes = [
    Route(BASE, editing.settings_form.show, methods=["GET"]),
    Route(BASE, editing.new_campaign.save, methods=["POST"]),
    Route(BASE + "/new", editing.new_campaign.show, methods=["GET"]),
    Route(BASE + "/gifts", gifts.search_gifts, methods=["GET"]),
    Route(BASE + "/settings", editing.settings_form.save, methods=["POST"]),
    Route(BASE + "/cart-emails", cart_emails.requests_page, methods=["GET"]),
    Route(BASE + "/cart-emails.csv", cart_emails.requests_csv, methods=["GET"]),
    Route(
        BASE + "/cart-emails/{request_id:id}/delete",
        cart_emails.delete_request_action,
        methods=["POST"],
    ),
    Route(ONE, editing.edit_campaign.show, methods=["GET"]),
    Route(ONE, editing.edit_campaign.save, methods=["POST"]),
    Route(ONE + "/status/{status:str}", editing.change_status, methods=["POST"]),
    Route(ONE + "/results", reports.results_page, methods=["GET"]),
    Route(ONE + "/preview", reports.preview_page, methods=["GET"]),
]
