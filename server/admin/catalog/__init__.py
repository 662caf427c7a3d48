"""The catalog in the admin, under ``/admin/stores/{id}/products``.

products.py ....... the list, the product form (new, edit), archive and restore
variants.py ....... a product group's variants edited together
import_export.py .. the CSV export, and the import page with its report of every problem

The CSV format is `server.catalog.csv_io`; saving edited products `server.catalog.editing`.
"""

from __future__ import annotations

from server.admin.catalog import import_export, products, variants

routes = [*products.routes, *import_export.routes, *variants.routes]
