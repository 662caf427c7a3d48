"""The ``keepcart`` command: serve, demo, and set-up of stores and merchant logins."""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from server import settings as settings_module
from server.accounts import ROLES, add_member, create_store, create_user
from server.clock import now_ms
from server.db import Database, DatabaseUnusable
from server.errors import ServiceUnavailable, ValidationFailed
from server.logs import configure_logging, log_settings
from server.security import WeakSecretKey
from server.settings import Settings
from server.stores.editing import change_store
from server.stores.queries import list_stores
from server.stores.service import (
    Store,
    StoreSettings,
    StoreSettingsInvalid,
    check_origins,
    settings_of,
    snippet,
    validate_new_store,
    validate_store_settings,
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(
            os.environ,
            host=getattr(args, "host", None),
            port=getattr(args, "port", None),
            db=getattr(args, "db", None),
            demo_port=getattr(args, "demo_port", None),
        )
    except ValueError as exc:
        parser.error(str(exc))
    configure_logging(settings.log_level)
    log_settings(settings)
    try:
        return args.run(args, settings)
    except ValidationFailed as exc:
        print(f"keepcart: {exc.field or 'error'}: {exc.message}", file=sys.stderr)
        return 2
    except (WeakSecretKey, DatabaseUnusable) as exc:
        # Nothing to retry: a supervisor should alert someone, so exit at once, in one line.
        print(f"keepcart: {exc}", file=sys.stderr)
        return 1
    except ServiceUnavailable as exc:  # e.g. a backup held the write lock too long
        print(f"keepcart: {exc.message}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keepcart",
        description="Keepcart: one-page checkout, exit-intent offers, trust badges and surveys.",
        epilog=_settings_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="Run the Keepcart server.")
    _server_flags(serve)
    serve.set_defaults(run=run_serve)

    demo = commands.add_parser("demo", help="Run Keepcart with its demo store.")
    _server_flags(demo, db_default=Path(".keepcart/demo.db"))
    demo.add_argument("--demo-port", type=int, help="Port of the demo store (default 8001).")
    demo.set_defaults(run=run_demo)

    stores = commands.add_parser("stores", help="Manage stores.").add_subparsers(
        required=True, metavar="ACTION"
    )
    create = stores.add_parser("create", help="Create a store and print its snippet.")
    create.add_argument("--name", required=True)
    create.add_argument("--origin", action="append", required=True,
                        help="An origin the shop is served from (repeat for several).")  # fmt: skip
    create.add_argument("--currency", required=True, help="ISO 4217 code, e.g. EUR.")
    create.add_argument("--locale", default="en-US")
    create.add_argument("--timezone", default="UTC")
    create.add_argument("--owner", metavar="EMAIL",
                        help="A merchant login to make the store's owner.")  # fmt: skip
    create.add_argument("--db", type=Path, help="Database file.")
    create.set_defaults(run=run_create_store)

    update = stores.add_parser(
        "update",
        help="Change a store's settings; what is left out stays as it is.",
        description="Change a store's settings; what is left out stays as it is. The "
        "currency can change only while the store has no orders.",
    )
    update.add_argument("--store", required=True, help="The store's id or public key (pk_…).")
    update.add_argument("--name")
    update.add_argument("--origin", action="append", metavar="ORIGIN",
                        help="Replace the origins with these (repeat for several).")  # fmt: skip
    update.add_argument("--add-origin", action="append", default=[], metavar="ORIGIN",
                        help="Add an origin, keeping the others (repeatable).")  # fmt: skip
    update.add_argument("--remove-origin", action="append", default=[], metavar="ORIGIN",
                        help="Remove an origin (repeatable).")  # fmt: skip
    update.add_argument("--locale", help="e.g. en-IE.")
    update.add_argument("--timezone", help="An IANA time zone, e.g. Europe/Dublin.")
    update.add_argument("--currency", help="ISO 4217 code; only while the store has no orders.")
    update.add_argument("--contact-email", help='The store\'s contact email ("" to clear).')
    update.add_argument("--contact-phone", help='The store\'s contact phone ("" to clear).')
    update.add_argument("--db", type=Path, help="Database file.")
    update.set_defaults(run=run_update_store)

    member = stores.add_parser(
        "add-member", help="Let a merchant login open a store (or change its role there)."
    )
    member.add_argument("--store", required=True, help="The store's id or public key (pk_…).")
    member.add_argument("--email", required=True, help="An existing merchant login.")
    member.add_argument(
        "--role",
        required=True,
        choices=ROLES,
        help="Staff work orders, products and offers; owners also members and settings.",
    )
    member.add_argument("--db", type=Path, help="Database file.")
    member.set_defaults(run=run_add_member)

    users = commands.add_parser("users", help="Manage merchant logins.").add_subparsers(
        required=True, metavar="ACTION"
    )
    user = users.add_parser(
        "create", help="Create a merchant login (or reset its password and end its sessions)."
    )
    user.add_argument("--email", required=True)
    user.add_argument("--password", help="For scripts; prompted for when left out.")
    user.add_argument("--db", type=Path, help="Database file.")
    user.set_defaults(run=run_create_user)
    return parser


def _server_flags(parser: argparse.ArgumentParser, db_default: Path | None = None) -> None:
    parser.add_argument("--host", help="Interface to listen on (default 127.0.0.1).")
    parser.add_argument("--port", type=int, help="Port to listen on (default 8000).")
    parser.add_argument("--db", type=Path, default=db_default, help="Database file.")


def _settings_epilog() -> str:
    lines = ["environment variables:"]
    for env, default, help_text in settings_module.describe():
        lines.append(f"  {env:<28} {help_text} (default: {default or 'unset'})")
    return "\n".join(lines)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from server.app import create_app

    # A young-generation collection walks the young objects still alive, and on a busy server
    # there are many: every request waiting for its group commit holds its frames, rows and
    # future. Collecting every 10,000 allocations instead of every 700 measured about 1 µs
    # less per event request (no change on the no-op route), for negligible memory.
    gc.set_threshold(10_000, 10, 10)
    app = create_app(settings, freeze_startup_objects=True)
    # Open (and migrate) the database once before serving: a file SQLite refuses is then one
    # line from main() rather than a traceback from inside uvicorn's lifespan.
    asyncio.run(_open_and_close(settings))
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,  # Keepcart logs its own, without query strings or tokens
        log_config=None,  # uvicorn's lines go through Keepcart's handler (server.logs)
        proxy_headers=True,
        # Only these proxies may say who the client is: votes and rate limits count by it.
        forwarded_allow_ips=settings_module.trusted_proxies(settings.forwarded_allow_ips),
    )
    return 0


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from server.demo import run_demo as run

    asyncio.run(run(settings))
    return 0


def run_create_store(args: argparse.Namespace, settings: Settings) -> int:
    new = validate_new_store(args.name, args.origin, args.currency, args.locale, args.timezone)

    async def create() -> str:
        async with _database(settings) as db:
            store = await create_store(db, new, owner_email=args.owner, now=now_ms())
        return store.public_key

    key = asyncio.run(create())
    print(f"Created store {new.name!r} ({key}). Paste this into the <head> of every page:\n")
    print(snippet(settings.base_url, key))
    if args.owner is None:
        print(
            f"\nNo login can open this store in the admin yet. Give it an owner:\n"
            f"  keepcart stores add-member --store {key} --email YOU@EXAMPLE.COM --role owner",
            file=sys.stderr,
        )
    return 0


def run_update_store(args: argparse.Namespace, settings: Settings) -> int:
    async def update() -> Store:
        async with _database(settings) as db:
            store = await _store_by_reference(db, args.store)
            await change_store(db, store.id, _updated_settings(store, args))
            return await _store_by_reference(db, str(store.id))

    try:
        store = asyncio.run(update())
    except StoreSettingsInvalid as exc:  # every bad option at once, one line each
        for field, message in exc.errors.items():
            print(f"keepcart: {field}: {message}", file=sys.stderr)
        return 2
    print(f"Updated {store.name!r} ({store.public_key}):")
    print(f"  origins   {' '.join(sorted(store.origins))}")
    print(f"  currency  {store.currency} · locale {store.locale} · time zone {store.timezone}")
    contact = " · ".join(part for part in (store.contact_email, store.contact_phone) if part)
    print(f"  contact   {contact or '(none)'}")
    print("A running Keepcart picks the change up within seconds.")
    return 0


def _updated_settings(store: Store, args: argparse.Namespace) -> StoreSettings:
    """The store's settings with the options given applied, validated as the admin does."""
    current = settings_of(store)
    origins = [*(current.origins if args.origin is None else args.origin), *args.add_origin]
    if args.remove_origin:  # compared as browsers spell them, whatever the spelling typed
        origins = list(check_origins(origins))
    for unwanted in args.remove_origin:
        origin = check_origins([unwanted])[0]
        if origin not in origins:
            raise ValidationFailed(f"{origin} is not an origin of this store.", field="origins")
        origins.remove(origin)

    def given(name: str) -> str:
        value = getattr(args, name)
        return getattr(current, name) if value is None else value

    return validate_store_settings(
        given("name"), origins, given("currency"), given("locale"), given("timezone"),
        given("contact_email"), given("contact_phone"),
    )  # fmt: skip


def run_add_member(args: argparse.Namespace, settings: Settings) -> int:
    async def add() -> Store:
        async with _database(settings) as db:
            store = await _store_by_reference(db, args.store)
            await add_member(db, store.id, args.email, args.role, replace_role=True, now=now_ms())
        return store

    store = asyncio.run(add())
    email = args.email.strip().lower()
    print(f"{email} is now {args.role} of {store.name!r} ({store.public_key}).")
    return 0


async def _store_by_reference(db: Database, reference: str) -> Store:
    for store in await list_stores(db):
        if reference in (str(store.id), store.public_key):
            return store
    raise ValidationFailed(f"There is no store {reference!r}.", field="store")


def run_create_user(args: argparse.Namespace, settings: Settings) -> int:
    password = args.password
    if password is None:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            print("keepcart: the passwords do not match.", file=sys.stderr)
            return 2

    async def create() -> None:
        async with _database(settings) as db:
            await create_user(db, args.email, password, now=now_ms())

    asyncio.run(create())
    print(f"Merchant login ready: {args.email.strip().lower()}")
    return 0


async def _open_and_close(settings: Settings) -> None:
    async with _database(settings):
        pass


class _database:
    """``async with _database(settings) as db``: an open, migrated database."""

    def __init__(self, settings: Settings):
        self.db = Database(settings.db, busy_timeout_ms=settings.db_busy_timeout)

    async def __aenter__(self) -> Database:
        await self.db.open()
        return self.db

    async def __aexit__(self, *exc: object) -> None:
        await self.db.close()
