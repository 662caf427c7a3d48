"""The admin's reviews: the list and moderation (``pages``), the CSV import
(``import_page``), and the reviews part of an order's page (``order_lines``)."""

from server.admin.reviews import import_page, pages

# The import's paths before a review's (/reviews/{review}): "import" is no review's id.
routes = [*import_page.routes, *pages.routes]
