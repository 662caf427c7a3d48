"""The admin's cookie and CSRF.

The cookie (HttpOnly, SameSite=Lax) holds a signed random session id and nothing else. Before
sign-in that id only binds CSRF tokens to the browser; after sign-in it names a row in
``admin_sessions`` (``server.admin.sessions``), which alone decides whether the request is
signed in, so ending a session on the server ends it for every copy of the cookie. Every form
carries a CSRF token: the session id signed under its own salt, so a token is bound to one
browser session and useless anywhere else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from server.admin.sessions import ABSOLUTE_LIFETIME_MS
from server.errors import Forbidden
from server.security import InvalidToken, Purpose
from server.services import services

COOKIE = "keepcart_admin"
# The cookie is written once per session (at first visit, at sign-in), so it lapses in the
# browser when a signed-in session reaches its absolute lifetime on the server.
MAX_AGE = ABSOLUTE_LIFETIME_MS // 1000


@dataclass(frozen=True)
class Session:
    sid: str

    @classmethod
    def fresh(cls) -> Session:
        return cls(secrets.token_urlsafe(18))


def read_session(request: Request) -> Session | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        data = services(request).signer.unsign(Purpose.SESSION, token, max_age=MAX_AGE)
    except InvalidToken:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return None
    return Session(data["sid"])


def write_session(request: Request, response: Response, session: Session) -> None:
    """Give the browser ``session``'s cookie, unless it already holds exactly that session."""
    current = read_session(request)
    if current is not None and current.sid == session.sid:
        return
    token = services(request).signer.sign(Purpose.SESSION, {"sid": session.sid})
    response.set_cookie(
        COOKIE,
        token,
        max_age=MAX_AGE,
        path="/admin",
        httponly=True,
        samesite="lax",
        secure=services(request).settings.cookie_secure,
    )


def csrf_token(request: Request, session: Session) -> str:
    return services(request).signer.sign(Purpose.CSRF, session.sid)


def check_csrf(request: Request, session: Session | None, submitted: object) -> None:
    if session is None or not isinstance(submitted, str):
        raise Forbidden("This form has expired. Reload the page and try again.", code="csrf")
    try:
        sid = services(request).signer.unsign(Purpose.CSRF, submitted, max_age=MAX_AGE)
    except InvalidToken:
        sid = None
    if not secrets.compare_digest(str(sid), session.sid):
        raise Forbidden("This form has expired. Reload the page and try again.", code="csrf")
