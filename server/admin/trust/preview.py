"""The live preview of the badges: a page on Keepcart's own origin, framed by the Trust page,
that loads the real keepcart.js with the store's key and one badges mount per placement.

It shows the saved settings, exactly as the widget's config gives them to shoppers. The page
carries the admin's preview marker (``#keepcart-offer-preview``, widget/src/constants.js): the
loader then records nothing (no page view, no event) and loads only the chunks the config marks
``preview``, the badges among them; the marker holds no offer variant, so no offer opens in it
(and nothing there takes the focus from the merchant). The widget's requests go to Keepcart's
own origin: the config is a same-origin read, and a write from this page (an exposure) carries
an Origin no store allows, so even one sent by mistake is refused, never counted.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.admin.pages import Merchant, login_required, render, store_for_request
from server.services import services
from server.trust import queries
from server.trust.model import PLACEMENT_LABELS, PLACEMENTS

# Framed by the Trust page (same origin); the widget's styles are constructed stylesheets and
# its marks inline SVG, so nothing beyond the admin's own policy is needed.
PREVIEW_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self';"
    " connect-src 'self'; frame-ancestors 'self'; form-action 'none'"
)


@login_required
async def preview_page(request: Request, merchant: Merchant) -> Response:
    store = await store_for_request(request)
    sku = await queries.preview_sku(services(request).db, store.id)
    context = {
        "store": store,
        "mounts": [(placement, PLACEMENT_LABELS[placement]) for placement in PLACEMENTS],
        "sku": sku,
    }
    response = render(request, "trust/preview.html", context, session=merchant.session)
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response
