"""The database's files as an operator finds them, with real ``keepcart`` processes.

A file SQLite cannot use stops every command at once, in one line naming the file; files
Keepcart creates are private to its user; a short signing key stops ``serve``; a database
deleted under a running server stops it acknowledging writes.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from tests.process import ServerProcess, free_port, keepcart

pytestmark = pytest.mark.slow

ORIGIN = "http://shop.test"
STRONG_KEY = {"KEEPCART_SECRET_KEYS": "a-signing-key-of-at-least-32-bytes"}
# A hang fails the test here, well before the test's own timeout.
SECONDS_TO_GIVE_UP = 20


def commands(db: Path) -> dict[str, list[str]]:
    port, demo_port = str(free_port()), str(free_port())
    return {
        "serve": ["serve", "--port", port, "--db", str(db)],
        "demo": ["demo", "--port", port, "--demo-port", demo_port, "--db", str(db)],
        "users create": ["users", "create", "--email", "me@shop.test",
                         "--password", "long enough", "--db", str(db)],
        "stores create": ["stores", "create", "--name", "Shop", "--origin", ORIGIN,
                          "--currency", "EUR", "--db", str(db)],
    }  # fmt: skip


def create_store(db: Path) -> str:
    created = keepcart(*commands(db)["stores create"])
    assert created.returncode == 0, created.stderr
    return created.stdout.split("(")[1].split(")")[0]


def assert_refused_in_one_line(result, *words: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("keepcart: ")
    for word in words:
        assert word in last


@pytest.mark.parametrize("command", ["serve", "demo", "users create", "stores create"])
def test_a_file_that_is_not_a_database_stops_every_command(tmp_path, command):
    db = tmp_path / "keepcart.db"
    db.write_bytes(os.urandom(16384))
    result = keepcart(*commands(db)[command], env=STRONG_KEY, timeout=SECONDS_TO_GIVE_UP)
    assert_refused_in_one_line(result, str(db), "file is not a database")


def test_a_truncated_database_stops_serve(tmp_path):
    db = tmp_path / "keepcart.db"
    create_store(db)
    os.truncate(db, db.stat().st_size // 2)  # half a database: a copy cut short
    result = keepcart(*commands(db)["serve"], env=STRONG_KEY, timeout=SECONDS_TO_GIVE_UP)
    assert_refused_in_one_line(result, str(db), "database disk image is malformed")


def test_a_command_that_waits_too_long_for_a_lock_exits_in_one_line(tmp_path):
    db = tmp_path / "keepcart.db"
    create_store(db)
    env = {"KEEPCART_DB_BUSY_TIMEOUT": "100"}
    with closing(sqlite3.connect(db, isolation_level=None)) as backup:
        backup.execute("BEGIN IMMEDIATE")  # as a backup or a sqlite3 shell holds it
        result = keepcart(*commands(db)["users create"], env=env, timeout=SECONDS_TO_GIVE_UP)
        backup.execute("ROLLBACK")
    assert_refused_in_one_line(result, "busy", "nothing was saved")


def test_files_keepcart_creates_are_readable_by_its_user_only(tmp_path):
    db = tmp_path / "data" / "keepcart.db"
    # No configured keys: the key file is generated beside the database.
    server = ServerProcess(db, env={"KEEPCART_SECRET_KEYS": ""}, umask=0o022)
    server.start()
    try:
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.secret")]
        modes = {path.name: oct(path.stat().st_mode & 0o777) for path in files}
        assert modes == dict.fromkeys(modes, "0o600")
        assert oct(db.parent.stat().st_mode & 0o777) == "0o700"
    finally:
        server.stop()


def test_an_existing_database_readable_by_others_is_warned_about(tmp_path):
    db = tmp_path / "keepcart.db"
    create_store(db)
    os.chmod(db, 0o644)
    result = keepcart(*commands(db)["users create"])
    assert result.returncode == 0
    assert f"The database file {db} is readable by other users" in result.stderr
    assert db.stat().st_mode & 0o777 == 0o644  # a warning, not a change behind one's back


def test_a_short_signing_key_stops_serve_without_showing_it(tmp_path):
    env = {"KEEPCART_SECRET_KEYS": "hunter2"}
    result = keepcart(*commands(tmp_path / "k.db")["serve"], env=env, timeout=SECONDS_TO_GIVE_UP)
    assert_refused_in_one_line(result, "KEEPCART_SECRET_KEYS", "7 bytes")
    assert "hunter2" not in result.stderr + result.stdout


def test_a_key_file_that_cannot_be_created_stops_serve_in_one_line(tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    db = not_a_folder / "k.db"
    env = {"KEEPCART_SECRET_KEYS": ""}
    result = keepcart(*commands(db)["serve"], env=env, timeout=SECONDS_TO_GIVE_UP)
    assert_refused_in_one_line(result, f"{db}.secret")


def test_a_key_file_that_is_a_dangling_link_stops_serve_in_one_line(tmp_path):
    db = tmp_path / "k.db"
    Path(f"{db}.secret").symlink_to(tmp_path / "secrets-not-mounted" / "key")
    env = {"KEEPCART_SECRET_KEYS": ""}
    result = keepcart(*commands(db)["serve"], env=env, timeout=SECONDS_TO_GIVE_UP)
    assert_refused_in_one_line(result, f"{db}.secret")


def test_an_empty_key_file_stops_serve(tmp_path):
    db = tmp_path / "k.db"
    Path(f"{db}.secret").touch()  # what a crash mid-write, or a careless touch, leaves
    env = {"KEEPCART_SECRET_KEYS": ""}
    result = keepcart(*commands(db)["serve"], env=env, timeout=SECONDS_TO_GIVE_UP)
    assert_refused_in_one_line(result, f"{db}.secret", "0 bytes", "delete the file")


def test_a_database_deleted_under_the_server_stops_it_acknowledging(tmp_path):
    db = tmp_path / "keepcart.db"
    key = create_store(db)
    server = ServerProcess(db)
    server.start()
    try:
        with httpx.Client(base_url=server.url, headers={"Origin": ORIGIN}, timeout=10) as client:
            assert client.post("/v1/carts", json={"store": key}).status_code == 201
            os.remove(db)
            refused = client.post("/v1/carts", json={"store": key})
            assert refused.status_code == 503
            assert refused.json()["error"]["code"] == "database_unavailable"
            assert client.get("/healthz").status_code == 503
    finally:
        server.stop()


def test_a_database_replaced_under_the_server_stops_it_acknowledging(tmp_path):
    db = tmp_path / "keepcart.db"
    key = create_store(db)
    backup = tmp_path / "backup.db"
    with closing(sqlite3.connect(db)) as source, closing(sqlite3.connect(backup)) as target:
        source.backup(target)
    server = ServerProcess(db)
    server.start()
    try:
        with httpx.Client(base_url=server.url, headers={"Origin": ORIGIN}, timeout=10) as client:
            assert client.post("/v1/carts", json={"store": key}).status_code == 201
            os.replace(backup, db)  # yesterday's backup restored over the live file
            refused = client.post("/v1/carts", json={"store": key})
            assert refused.status_code == 503
            assert client.get("/healthz").status_code == 503
    finally:
        server.stop()
