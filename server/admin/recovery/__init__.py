"""Cart recovery in the admin: the owners' settings page (``settings_page``, at
``/admin/stores/{id}/recovery``) and the results (``results_page``, ``/recovery/results``,
open to staff)."""

from __future__ import annotations

from server.admin.recovery import results_page, settings_page

routes = [*settings_page.routes, *results_page.routes]
