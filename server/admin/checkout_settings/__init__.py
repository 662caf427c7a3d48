"""Checkout settings in the admin, under ``/admin/stores/{id}/checkout``.

general.py ..... country, tax display, phone field, payment methods
discounts.py ... discount codes
shipping.py .... shipping zones and their methods (with each method's transit days)
delivery.py .... the delivery rule: dispatch cut-off, handling, working days, holidays
taxes.py ....... tax rates
inputs.py ...... submitted form values → what is stored (pure, all errors at once)
parsing.py ..... exact money, percentages, tiers, countries and local times
forms.py ....... CSRF, 422 re-rendering and redirects shared by the pages
queries.py ..... the SQL
"""

from __future__ import annotations

from server.admin.checkout_settings import delivery, discounts, general, shipping, taxes

routes = [*general.routes, *discounts.routes, *shipping.routes, *delivery.routes, *taxes.routes]
