"""Every shopper-facing HTTP handler: the ``/v1`` API the widget calls, the widget's config,
event ingest and the receipt page ``GET /orders/{token}``.

Handlers read the request, call a domain service and render its answer; the rules and the
SQL live in the domain packages below (``server.carts``, ``server.checkout``, …), which never
import this package. ``server.app`` mounts ``routes`` from each module here.
"""
