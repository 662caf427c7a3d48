"""A local stand-in for a Twilio-compatible SMS API, on a free port in a thread of its own, for
the tests to check each request Keepcart makes and answer it as Twilio would.

It checks what Twilio checks (the path names the account, HTTP basic auth with the account
sid and auth token) and keeps every request. Answers come from ``script``, a status a
request, in order; once it runs out every request is accepted (201 with a ``sid``).
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "test-auth-token-never-logged"
FROM = "+15005550006"


@dataclass(frozen=True)
class SmsRequest:
    path: str
    authorised: bool
    headers: dict[str, str]  # lower-case names
    form: dict[str, str]


class SmsApi:
    def __init__(self) -> None:
        self.requests: list[SmsRequest] = []
        self.script: list[int] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    @property
    def url(self) -> str:
        """KEEPCART_SMS_URL for this server."""
        return f"http://{SID}:{TOKEN}@127.0.0.1:{self.port}"

    def start(self) -> SmsApi:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, *statuses: int) -> None:
        with self.lock:
            self.script.extend(statuses)

    def received(self) -> list[SmsRequest]:
        with self.lock:
            return list(self.requests)

    def _next_status(self, request: SmsRequest) -> int:
        with self.lock:
            self.requests.append(request)
            return self.script.pop(0) if self.script else 201


def _handler_for(api: SmsApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            expected = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
            request = SmsRequest(
                self.path,
                self.headers.get("Authorization") == f"Basic {expected}",
                {name.lower(): value for name, value in self.headers.items()},
                form,
            )
            status = api._next_status(request)
            if not request.authorised:
                status = 401
            elif self.path != f"/2010-04-01/Accounts/{SID}/Messages.json":
                status = 404
            self._answer(status, request)

        def _answer(self, status: int, request: SmsRequest) -> None:
            if status == 201:
                body = {"sid": f"SM{len(api.requests):032d}", "status": "queued",
                        "to": request.form.get("To"), "body": request.form.get("Body")}  # fmt: skip
            else:
                body = {"code": 21211 if status == 400 else 20429, "status": status,
                        "message": {400: "The 'To' number is not a valid phone number.",
                                    429: "Too Many Requests"}.get(status, "Error")}  # fmt: skip
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: a test reads the requests, not the log

    return Handler
