"""What Keepcart's log lines say about a request: the route, never what a client typed."""

import logging

import pytest

from server.logs import configure_logging
from tests.api.admin_client import sign_in

pytestmark = pytest.mark.anyio

PROBE = "lookup-pii@victim.test"


@pytest.mark.parametrize(
    "path",
    [
        f"/admin/stores/1/orders/{PROBE}",  # inside the /admin mount, matching no route
        f"/admin/static/{PROBE}",  # inside the static files mount
        f"/v1/carts/{PROBE}/nowhere",
        f"/{PROBE}",
    ],
)
async def test_a_path_that_matches_no_route_is_not_logged_as_typed(
    client, merchant, store, caplog, path
):
    caplog.set_level(logging.INFO, logger="keepcart.access")
    await sign_in(client)
    response = await client.get(path)
    assert response.status_code == 404
    [line] = [r.getMessage() for r in caplog.records if r.name == "keepcart.access"][-1:]
    assert line.startswith("GET /") and " 404 " in line
    assert PROBE not in caplog.text and "lookup-pii" not in line


def test_an_exceptions_message_never_reaches_the_log(capsys):
    """A bug's exception may quote what a client sent; the log keeps its type and where it
    was raised, not its message."""
    logging.getLogger().handlers.clear()
    configure_logging("info")
    try:
        try:
            raise ValueError(f"could not parse {PROBE}")
        except ValueError:
            logging.getLogger("keepcart").exception("unhandled error on GET /x")
            logging.getLogger("uvicorn.error").error("Exception in ASGI app", exc_info=True)
    finally:
        logging.getLogger().handlers.clear()
    err = capsys.readouterr().err
    assert "ValueError" in err and "test_logs.py" in err and "Traceback" in err
    assert PROBE not in err


async def test_a_failed_start_tells_the_server_no_exception_message(settings, monkeypatch):
    """Starlette hands a failed lifespan's traceback to the server as plain text, which
    uvicorn logs as it is: it must carry no exception message either."""
    from server.app import create_app
    from server.db import Database

    async def open_fails(self):
        raise RuntimeError(f"cannot start for {PROBE}")

    monkeypatch.setattr(Database, "open", open_fails)
    app = create_app(settings)
    sent = []

    async def receive():
        return {"type": "lifespan.startup"}

    async def send(message):
        sent.append(message)

    with pytest.raises(Exception):  # noqa: B017 — whatever the app raises, it raises
        await app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)
    [failed] = [m for m in sent if m["type"] == "lifespan.startup.failed"]
    assert "could not start" in failed["message"] and PROBE not in failed["message"]
