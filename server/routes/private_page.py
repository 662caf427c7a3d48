"""Pages on Keepcart's own origin whose address is their secret (a receipt link, a review
link): never cached or indexed, sending no Referer, and loading nothing from anywhere else (a
strict CSP: their stylesheets and scripts are files beside them). ``server.routes.receipt``
and ``server.routes.review_page`` render theirs through one ``PrivatePages`` each."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from server.errors import RateLimited


def private_headers(content_security_policy: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy,
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow",
        "X-Content-Type-Options": "nosniff",
    }


# The layout every area's private pages extend (_private_page.html).
SHARED_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class PrivatePages:
    """One area's private pages: its templates, answered with its headers."""

    templates: Jinja2Templates
    headers: Mapping[str, str]

    @classmethod
    def at(cls, folder: Path, content_security_policy: str) -> PrivatePages:
        """The templates in ``folder``, sent under ``content_security_policy``."""
        templates = Jinja2Templates(directory=[folder, SHARED_TEMPLATES])
        return cls(templates, private_headers(content_security_policy))

    def render(
        self, request: Request, template: str, context: dict[str, Any], status: int = 200
    ) -> Response:
        return self.templates.TemplateResponse(
            request, template, context, status_code=status, headers=dict(self.headers)
        )


# What a form page over its rate limit says, before what to do next.
TOO_MANY = (
    "Many forms were sent from your connection in the last minute: nothing was saved this"
    " time. Please wait a minute,"
)


def told_to_wait(page: Response, limited: RateLimited) -> Response:
    """``page`` (429) with when to try again."""
    page.headers["Retry-After"] = str(limited.retry_after)
    return page
