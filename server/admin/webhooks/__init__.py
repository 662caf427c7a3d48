"""Merchant webhooks in the admin, owners only: ``forms`` (the list, with the server's
private network setting shown, adding an endpoint, the secret shown once) and
``endpoint_page`` (one endpoint, its actions and its delivery log) under
``/admin/stores/{id}/webhooks``."""

from __future__ import annotations

from server.admin.webhooks import endpoint_page, forms

# The fixed path (/new) before the endpoint's own ({endpoint} would match them).
routes = [*forms.routes, *endpoint_page.routes]
