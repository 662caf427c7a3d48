"""The outbox in the admin: ``pages`` (the Messages page: the list, one message, resend, a
test email) under ``/admin/stores/{id}/messages``, and ``email_settings`` (the owners' page
for the sender, the look and which emails go out) under ``/settings/emails``."""

from __future__ import annotations

from server.admin.messages import email_settings, pages

routes = [*pages.routes, *email_settings.routes]
