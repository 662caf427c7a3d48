"""Errors that carry their HTTP status and a stable machine-readable code.

    KeepcartError ............ 500 internal_error (a bug, never bad input)
     ├── BadRequest .......... 400 bad_request
     │    └── ValidationFailed 400 invalid (names the offending field)
     ├── Unauthorized ........ 401 unauthorized
     ├── PaymentFailed ....... 402 card_declined (the payment was refused)
     ├── Forbidden ........... 403 forbidden
     ├── NotFound ............ 404 not_found
     ├── Conflict ............ 409 conflict
     ├── PayloadTooLarge ..... 413 payload_too_large
     ├── UnsupportedMedia .... 415 unsupported_media_type
     ├── Unprocessable ....... 422 unprocessable
     ├── RateLimited ......... 429 rate_limited (carries Retry-After)
     └── ServiceUnavailable .. 503 service_unavailable (the request was fine; try later)
          ├── DatabaseBusy ... 503 database_busy (another process holds the write lock;
          │                        carries Retry-After)
          ├── DatabaseUnavailable 503 database_unavailable (the database file was deleted or
          │                        replaced; writes are refused until a restart)
          ├── QueryTimedOut .. 503 query_timeout (an admin read passed its time limit and
          │                        was stopped; a shorter range or search may fit)
          └── ExportsBusy .... 503 exports_busy (as many CSV exports as the server runs at
                                   once are running; carries Retry-After)

Raise them anywhere; one handler (``server.app``) renders ``{"error": {"code", "message",
"field"}}`` for the API and an HTML page for the admin, with a ``Retry-After`` header for an
error that carries ``retry_after``. Nothing was written when one of them is raised from a
write: the client may send the same request again.
"""

from __future__ import annotations


class KeepcartError(Exception):
    status = 500
    code = "internal_error"
    retry_after: int | None = None  # seconds, sent as Retry-After when set

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code

    def as_json(self) -> dict[str, dict[str, str | None]]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


class BadRequest(KeepcartError):
    status = 400
    code = "bad_request"


class ValidationFailed(BadRequest):
    code = "invalid"


class Unauthorized(KeepcartError):
    status = 401
    code = "unauthorized"


class PaymentFailed(KeepcartError):
    status = 402
    code = "card_declined"


class Forbidden(KeepcartError):
    status = 403
    code = "forbidden"


class NotFound(KeepcartError):
    status = 404
    code = "not_found"


class Conflict(KeepcartError):
    status = 409
    code = "conflict"


class PayloadTooLarge(KeepcartError):
    status = 413
    code = "payload_too_large"


class UnsupportedMedia(KeepcartError):
    status = 415
    code = "unsupported_media_type"


class Unprocessable(KeepcartError):
    status = 422
    code = "unprocessable"


class RateLimited(KeepcartError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = max(1, retry_after)


class ServiceUnavailable(KeepcartError):
    status = 503
    code = "service_unavailable"

    def __init__(self, message: str, *, retry_after: int | None = None):
        super().__init__(message)
        self.retry_after = None if retry_after is None else max(1, retry_after)


class DatabaseBusy(ServiceUnavailable):
    code = "database_busy"


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"


class QueryTimedOut(ServiceUnavailable):
    code = "query_timeout"


class ExportsBusy(ServiceUnavailable):
    code = "exports_busy"
