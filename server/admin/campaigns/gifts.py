"""The gift picker's search: a store's active products matching what the merchant typed, for
the campaign form's free-gift field (a store can have thousands; the form lists none)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from server.admin.campaigns import queries
from server.admin.pages import Merchant, login_required, store_for_request
from server.services import services

MAX_QUERY = 100  # characters of the search text that are used


@login_required
async def search_gifts(request: Request, merchant: Merchant) -> Response:
    """``?q=text`` → ``{"products": [{"sku", "name"}, …]}``, at most 20, SKU matches first."""
    store = await store_for_request(request)
    text = request.query_params.get("q", "")[:MAX_QUERY]
    rows = await queries.search_gifts(services(request).db, store.id, text) if text.strip() else []
    products = [{"sku": row["sku"], "name": queries.gift_label(row)} for row in rows]
    return JSONResponse({"products": products}, headers={"Cache-Control": "no-store"})
