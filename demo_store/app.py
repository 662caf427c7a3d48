"""The Fernhill Goods storefront as a Starlette app, with the Keepcart snippet embedded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from demo_store.formatting import format_price
from demo_store.products import PRODUCTS, find_product
from demo_store.security import content_security_policy, normalise_origin

PACKAGE_DIR = Path(__file__).parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"

RELATED_PRODUCT_COUNT = 4


def create_demo_app(
    keepcart_url: str, store_key: str, *, extra_csp: bool = True, ask_consent: bool = False
) -> Starlette:
    """Build the demo shop.

    keepcart_url: origin of the Keepcart server, e.g. "http://127.0.0.1:8000".
    store_key: the public store key the snippet sends as `data-store`.
    extra_csp: send the strict Content-Security-Policy header on HTML pages
        (turn off only to check how Keepcart behaves on a storefront without one).
    ask_consent: embed the snippet in consent mode (data-consent="required") and show a
        privacy banner whose answer is passed on with keepcart('consent', …).
    """
    keepcart_origin = normalise_origin(keepcart_url)
    # Jinja2Templates autoescapes .html templates (jinja2.select_autoescape).
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.filters["price"] = format_price
    # Keep the served HTML tidy: drop the blank lines left behind by block tags.
    templates.env.trim_blocks = True
    templates.env.lstrip_blocks = True
    html_headers = {"Content-Security-Policy": content_security_policy(keepcart_origin)}

    def render(
        request: Request, template: str, context: dict[str, Any], status_code: int = 200
    ) -> Response:
        shared = {
            "keepcart_url": keepcart_origin,
            "store_key": store_key,
            "ask_consent": ask_consent,
        }
        return templates.TemplateResponse(
            request,
            template,
            {**shared, **context},
            status_code=status_code,
            headers=html_headers if extra_csp else None,
        )

    async def home(request: Request) -> Response:
        return render(request, "home.html", {"products": PRODUCTS, "active_nav": "shop"})

    async def product_page(request: Request) -> Response:
        product = find_product(request.path_params["slug"])
        if product is None:
            return render(request, "404.html", {}, status_code=404)
        related = [other for other in PRODUCTS if other.slug != product.slug]
        # Prefer the same category, then fill up with the rest, keeping catalogue order.
        related.sort(key=lambda other: other.category != product.category)
        return render(
            request,
            "product.html",
            {
                "product": product,
                "related": related[:RELATED_PRODUCT_COUNT],
                "active_nav": "shop",
            },
        )

    async def about(request: Request) -> Response:
        return render(request, "about.html", {"active_nav": "about"})

    async def healthz(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def not_found(request: Request, exc: Exception) -> Response:
        return render(request, "404.html", {}, status_code=404)

    return Starlette(
        routes=[
            Route("/", home, name="home"),
            Route("/products/{slug}", product_page, name="product"),
            Route("/about", about, name="about"),
            Route("/healthz", healthz, name="healthz"),
            Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        exception_handlers={404: not_found},
    )
