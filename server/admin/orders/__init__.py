"""Orders in the admin, under ``/admin/stores/{id}/orders``: ``pages`` (list, detail,
status changes, CSV export)."""

from __future__ import annotations

from server.admin.orders import pages

routes = pages.routes
