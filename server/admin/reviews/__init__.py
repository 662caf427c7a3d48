"""The admin's reviews: the list and moderation (``pages``), the CSV import
(``import_page``), and the reviews part of an order's page (``order_lines``, with a line's
review link shown by ``links``)."""

from server.admin.reviews import import_page, links, pages

# The import's and the links' paths before a review's (/reviews/{review}): "import" and
# "links" are no review's id.
routes = [*import_page.routes, *links.routes, *pages.routes]
