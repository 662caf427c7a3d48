"""Admin sessions and CSRF.

The session is a signed cookie (HttpOnly, SameSite=Lax) holding a random session id and,
once logged in, the user id. Every form carries a CSRF token: the session id signed under
its own salt, so a token is bound to one browser session and useless anywhere else.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from server.errors import Forbidden
from server.security import InvalidToken, Purpose

COOKIE = "keepcart_admin"
MAX_AGE = 7 * 24 * 3600


@dataclass(frozen=True)
class Session:
    sid: str
    user_id: int | None = None

    @classmethod
    def fresh(cls, user_id: int | None = None) -> Session:
        return cls(secrets.token_urlsafe(18), user_id)


def read_session(request: Request) -> Session | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        data = request.app.state.signer.unsign(Purpose.SESSION, token, max_age=MAX_AGE)
    except InvalidToken:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("sid"), str):
        return None
    user_id = data.get("uid")
    return Session(data["sid"], user_id if isinstance(user_id, int) else None)


def write_session(request: Request, response: Response, session: Session) -> None:
    token = request.app.state.signer.sign(
        Purpose.SESSION, {"sid": session.sid, "uid": session.user_id}
    )
    response.set_cookie(
        COOKIE,
        token,
        max_age=MAX_AGE,
        path="/admin",
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.cookie_secure,
    )


def csrf_token(request: Request, session: Session) -> str:
    return request.app.state.signer.sign(Purpose.CSRF, session.sid)


def check_csrf(request: Request, session: Session | None, submitted: object) -> None:
    if session is None or not isinstance(submitted, str):
        raise Forbidden("This form has expired. Reload the page and try again.", code="csrf")
    try:
        sid = request.app.state.signer.unsign(Purpose.CSRF, submitted, max_age=MAX_AGE)
    except InvalidToken:
        sid = None
    if not secrets.compare_digest(str(sid), session.sid):
        raise Forbidden("This form has expired. Reload the page and try again.", code="csrf")
