"""The widget's built files, served from memory with ETags and gzip.

``/v1/keepcart.js`` keeps a stable URL and a short cache so merchants never edit their
snippet; chunks carry a content hash in their name and are cached for a year. keepcart.js
imports the loader by its hashed name (``chunks/main.{hash}.js``): a keepcart.js a browser
cached before a release asks for the previous one, which is redirected to the current loader
(the two keep their hand-over compatible: widget/src/boot.js).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from server.errors import NotFound
from server.web import etag_for, not_modified

STATIC_DIR = Path(__file__).parent / "static"
LOADER_CACHE = "public, max-age=300, must-revalidate"
CHUNK_CACHE = "public, max-age=31536000, immutable"
MAIN_PREFIX = "chunks/main."
LOADER = "keepcart.js"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    etag: str


class WidgetAssets:
    def __init__(self, directory: Path = STATIC_DIR):
        self._files: dict[str, Asset] = {}
        for path in sorted(directory.rglob("*.js")):
            body = path.read_bytes()
            name = path.relative_to(directory).as_posix()
            self._files[name] = Asset(body, gzip.compress(body, 9, mtime=0), etag_for(body))
        self._main = _loader_of(directory) if LOADER in self._files else None
        if LOADER in self._files and self._main not in self._files:
            raise RuntimeError(
                f"{directory}: keepcart.js imports the loader its manifest.json names, which is "
                "missing: rebuild the widget (`npm run build` in widget/)"
            )

    def get(self, name: str) -> Asset | None:
        return self._files.get(name)

    @property
    def main(self) -> str | None:
        """The loader's file (``chunks/main.{hash}.js``), as the build's manifest names it."""
        return self._main


def _loader_of(directory: Path) -> str | None:
    """The loader's file as manifest.json names it (``chunks/main.{hash}.js``), if it does."""
    try:
        main = json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("main")
    except (OSError, ValueError, AttributeError):
        return None
    return main if isinstance(main, str) else None


def _serve(files: WidgetAssets, request: Request, name: str, cache_control: str) -> Response:
    asset = files.get(name)
    if asset is None:
        raise NotFound("No such widget file.")
    headers = {
        "ETag": asset.etag,
        "Cache-Control": cache_control,
        "Vary": "Accept-Encoding",
        # Chunks are ES modules fetched in CORS mode from the shop's origin; they are public.
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    if not_modified(request, asset.etag):
        return Response(status_code=304, headers=headers)
    body = asset.body
    if "gzip" in request.headers.get("accept-encoding", ""):
        body = asset.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, headers=headers, media_type="text/javascript; charset=utf-8")


def routes(files: WidgetAssets) -> list[Route]:
    """The loader's and the chunks' routes, serving ``files`` (the app's, in its services)."""

    async def loader(request: Request) -> Response:
        return _serve(files, request, LOADER, LOADER_CACHE)

    async def chunk(request: Request) -> Response:
        name = f"chunks/{request.path_params['name']}"
        if files.get(name) is None and name.startswith(MAIN_PREFIX) and files.main is not None:
            # A previous release's loader, asked for by a keepcart.js cached before it. Never
            # cached: during a rolling deploy an older server may be asked for a newer one.
            return RedirectResponse(
                f"/v1/{files.main}",
                status_code=307,
                headers={"Cache-Control": "no-store", "Access-Control-Allow-Origin": "*"},
            )
        return _serve(files, request, name, CHUNK_CACHE)

    return [
        Route("/v1/keepcart.js", loader, methods=["GET", "HEAD"]),
        Route("/v1/chunks/{name}", chunk, methods=["GET", "HEAD"]),
    ]
