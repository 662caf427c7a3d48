"""One typed, frozen settings object, read from ``KEEPCART_*`` variables and CLI flags.

Configuration flows one way: environment and flags → :class:`Settings` → ``create_app``.
Nothing else in Keepcart reads the environment. Every setting is declared once, below, with
its default and a line of help; the README's settings table is checked against this list.
"""

from __future__ import annotations

import dataclasses
import functools
import ipaddress
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


def _setting(default: Any, help: str, env: str | None = None, *, secret: bool = False) -> Any:
    """A setting; a ``secret`` one stays out of the settings' repr (the log shows what it
    may of it itself, server.logs.log_settings)."""
    return field(default=default, repr=not secret, metadata={"help": help, "env": env})


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (true/false), got {raw!r}")


def _parse_list(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    host: str = _setting("127.0.0.1", "Interface the server listens on.")
    port: int = _setting(8000, "Port the server listens on.")
    db: Path = _setting(Path("keepcart.db"), "Path of the SQLite database file.")
    db_busy_timeout: int = _setting(
        5000,
        "Milliseconds a write waits while another process (a backup, a sqlite3 shell) holds "
        "the database's write lock, before it is answered 503 database_busy.",
    )
    admin_query_timeout: int = _setting(
        10_000,
        "Milliseconds an admin page's database query may run; past it the query is stopped "
        "and the page answers 503 (try a shorter range). Shoppers' requests have their own "
        "connections and never wait for admin pages.",
    )
    public_url: str = _setting(
        "", "URL shoppers' browsers reach Keepcart at (default: http://HOST:PORT)."
    )
    secret_keys: tuple[str, ...] = _setting(
        (),
        "Comma-separated signing keys, newest first (the newest signs, all verify), each at "
        "least 32 bytes. Unset: a key is generated once into DB.secret (mode 0600).",
    )
    cookie_secure: bool = _setting(
        False, "Mark admin cookies Secure (turn on when served over HTTPS)."
    )
    events_rate_limit: int = _setting(
        600, "Event requests allowed per minute per store and client address."
    )
    api_rate_limit: int = _setting(
        300, "Cart and checkout requests allowed per minute per store and client address."
    )
    claim_rate_limit: int = _setting(
        20, "Offer claims allowed per minute per store and client address."
    )
    login_rate_limit: int = _setting(
        10, "Admin login attempts allowed per 15 minutes per client address."
    )
    forwarded_allow_ips: str = _setting(
        "127.0.0.1,::1",
        "Comma-separated addresses or CIDR ranges (10.0.0.0/8) of the reverse proxies whose "
        "X-Forwarded-For (and -Proto) Keepcart believes, every hop's, or * for any: the "
        "client address that rate limits and helpful votes count by.",
    )
    config_max_age: int = _setting(
        60, "Seconds browsers may cache a store's widget config (revalidated by ETag)."
    )
    demo_port: int = _setting(8001, "Port of the demo store started by `keepcart demo`.")
    log_level: str = _setting("info", "Log level: debug, info, warning or error.")
    smtp_url: str = _setting(
        "",
        "Mail server for emails: smtp://USER:PASSWORD@HOST:PORT (STARTTLS required, as it "
        "signs in; ?starttls=0 never uses it, only for a relay on 127.0.0.1 or localhost) "
        "or smtps://USER:PASSWORD@HOST:PORT (TLS from the start); without a user, STARTTLS "
        "when the server offers it (?starttls=1 requires it); the option cafile=PATH "
        "trusts the CA certificate(s) in that PEM file instead of the system's. Unset: "
        "emails stay in the outbox as not sent.",
        secret=True,
    )
    webhooks_allow_private: bool = _setting(
        False,
        "Let webhooks go to this machine and private networks (localhost, 10.x, 192.168.x, "
        "…): off, every store's endpoints must be on the public internet. The operator's "
        "choice, not a store owner's (any login may create a store); `keepcart demo` turns "
        "it on.",
    )
    sms_url: str = _setting(
        "",
        "SMS provider, a Twilio-compatible REST API: https://ACCOUNT_SID:AUTH_TOKEN@HOST "
        "(e.g. https://AC…:…@api.twilio.com). Unset: SMS stay in the outbox as not sent.",
        secret=True,
    )
    sms_from: str = _setting(
        "",
        "The number (E.164, +15551234567) or messaging service id (MG…) SMS are sent from; "
        "needed with KEEPCART_SMS_URL.",
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Settings from ``KEEPCART_*`` variables, then explicit overrides (CLI flags)."""
        values: dict[str, Any] = {}
        for spec in dataclasses.fields(cls):
            raw = environ.get(env_name(spec))
            if raw is not None:
                values[spec.name] = _convert(spec, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def __post_init__(self) -> None:
        trusted_proxies(
            self.forwarded_allow_ips
        )  # a typo must not start a server: it trusts no one
        _ = self.smtp  # nor a mail server it cannot reach: no email would go
        sms_account(self.sms_url, self.sms_from)  # nor an SMS provider it cannot use

    @functools.cached_property
    def smtp(self) -> SmtpServer | None:
        """The mail server of KEEPCART_SMTP_URL; None when it is unset. Read once: its CA
        file is checked when Keepcart starts, not on every page that shows where mail goes."""
        return smtp_server(self.smtp_url)

    @property
    def sms(self) -> SmsAccount | None:
        """The SMS provider of KEEPCART_SMS_URL; None when it is unset."""
        return sms_account(self.sms_url, self.sms_from)

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def secret_file(self) -> Path:
        return self.db.with_name(self.db.name + ".secret")


def trusted_proxies(raw: str) -> list[str]:
    """KEEPCART_FORWARDED_ALLOW_IPS as uvicorn takes it: ``["*"]``, or each entry an address
    or a network written as ``ipaddress`` writes it (uvicorn reads "10.0.0.1/8" as no network
    at all, and any entry it cannot read as a name that no client has, silently); ValueError
    names the entry it cannot read."""
    entries = list(_parse_list(raw))
    if entries == ["*"]:
        return entries
    trusted = []
    for entry in entries:
        try:
            if entry == "*":
                raise ValueError("* trusts every address: give it alone, or list the proxies")
            if "/" in entry:
                trusted.append(str(ipaddress.ip_network(entry, strict=False)))
            else:
                trusted.append(str(ipaddress.ip_address(entry)))
        except ValueError as exc:
            raise ValueError(
                f"KEEPCART_FORWARDED_ALLOW_IPS: {entry!r} is not an IP address, a CIDR range"
                f" (10.0.0.0/8) or * ({exc})"
            ) from None
    return trusted


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: str  # "implicit" (smtps://), "required", "when_offered" or "never" (STARTTLS)
    username: str = ""
    password: str = field(default="", repr=False)
    cafile: str = ""  # a PEM file of the CA(s) to trust instead of the system's; "": the system's

    def describe(self) -> str:
        """Where mail goes, for the log and the admin: never the password."""
        who = f"{self.username}@" if self.username else ""
        scheme = "smtps" if self.tls == "implicit" else "smtp"
        words = _TLS_WORDS[self.tls]
        if self.username and self.tls in _SIGNING_IN_WORDS:
            words = _SIGNING_IN_WORDS[self.tls]
        trusting = f", trusting the CA in {self.cafile}" if self.cafile else ""
        return f"{scheme}://{who}{self.host}:{self.port} ({words}{trusting})"

    def tls_context(self) -> ssl.SSLContext | None:
        """What TLS verifies the server's certificate with: the CA of ``cafile`` (with the
        host name checked, as always), or None for the system's default verification."""
        return ssl.create_default_context(cafile=self.cafile) if self.cafile else None


_TLS_WORDS = {
    "implicit": "TLS",
    "required": "STARTTLS required",
    "when_offered": "STARTTLS when offered",
    "never": "no TLS",
}
_SIGNING_IN_WORDS = {  # with a user: why the TLS is what it is
    "required": "STARTTLS required: it signs in",
    "never": "no TLS: a relay on this machine",
}
_STARTTLS = {"1": "required", "true": "required", "0": "never", "false": "never"}
# A relay on this machine may take a sign-in without TLS: nothing crosses a network.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def smtp_server(url: str) -> SmtpServer | None:
    """KEEPCART_SMTP_URL read: None when unset; a ValueError saying what is wrong, which
    never quotes the URL (it may hold a password)."""
    if not url.strip():
        return None
    problem = "KEEPCART_SMTP_URL: {}; write it like smtp://user:password@mail.example.com:587"
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        raise ValueError(problem.format("its port is not a number from 1 to 65535")) from None
    if parts.scheme not in ("smtp", "smtps"):
        raise ValueError(problem.format("it must start with smtp:// or smtps://"))
    if not parts.hostname:
        raise ValueError(problem.format("it names no host"))
    query = parse_qs(parts.query, keep_blank_values=True)
    if set(query) - {"starttls", "cafile"} or parts.path not in ("", "/") or parts.fragment:
        raise ValueError(problem.format(
            "the options it takes are ?starttls=1 or 0 and ?cafile=PATH"))  # fmt: skip
    tls = _tls_of(parts.scheme, query.get("starttls", [""])[-1].lower(), problem)
    port = port or {"implicit": 465, "required": 587}.get(tls, 25)  # as the URL says it
    username = unquote(parts.username or "")
    if username:
        tls = _tls_signing_in(tls, parts.hostname, problem)
    server = SmtpServer(
        parts.hostname, port, tls, username, unquote(parts.password or ""),
        query.get("cafile", [""])[-1],
    )  # fmt: skip
    _check_cafile(server, problem)
    return server


def _tls_signing_in(tls: str, host: str, problem: str) -> str:
    """A sign-in never goes in the clear: "STARTTLS when offered" becomes required (a server
    that offers none, or a man in the middle who strips it, gets no password), and no TLS at
    all is only for a relay on this machine."""
    if tls == "when_offered":
        return "required"
    if tls == "never" and host.lower() not in LOCAL_HOSTS:
        raise ValueError(problem.format(
            "?starttls=0 would send the password in the clear: drop it (STARTTLS) or use"
            " smtps://; only a relay on this machine (127.0.0.1 or localhost) may take a"
            " sign-in without TLS"))  # fmt: skip
    return tls


def _tls_of(scheme: str, starttls: str, problem: str) -> str:
    if scheme == "smtps":
        if starttls:
            raise ValueError(problem.format("smtps:// is TLS from the start: drop ?starttls"))
        return "implicit"
    if starttls and starttls not in _STARTTLS:
        raise ValueError(problem.format("?starttls takes 1 or 0"))
    return _STARTTLS.get(starttls, "when_offered")


def _check_cafile(server: SmtpServer, problem: str) -> None:
    """A CA file that cannot be read would fail every email: it must not start a server."""
    if server.cafile and server.tls == "never":
        raise ValueError(problem.format("?cafile is for TLS, which ?starttls=0 turns off"))
    try:
        server.tls_context()
    except ssl.SSLError:  # before OSError: it is one
        why = "holds no certificate it can read (PEM)"
    except OSError as exc:
        why = f"cannot be read ({exc.strerror})"
    else:
        return
    raise ValueError(problem.format(f"cafile {server.cafile} {why}"))


@dataclass(frozen=True)
class SmsAccount:
    base_url: str  # scheme://host[:port][/path], without the credentials
    account_sid: str
    auth_token: str = field(repr=False)
    sender: str  # KEEPCART_SMS_FROM

    def describe_provider(self) -> str:
        """Where SMS go, for the log and the admin's pages: the provider and the sending
        number, neither the account sid nor the token (a merchant's staff need neither, and a
        log line travels further than the settings)."""
        return f"{self.base_url} (from {self.sender})"


def sms_account(url: str, sender: str) -> SmsAccount | None:
    """KEEPCART_SMS_URL (and KEEPCART_SMS_FROM) read: None when unset; a ValueError saying
    what is wrong, which never quotes the URL (it holds the auth token)."""
    if not url.strip():
        return None
    problem = "KEEPCART_SMS_URL: {}; write it like https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com"
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        raise ValueError(problem.format("its port is not a number from 1 to 65535")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(problem.format("it must be an http:// or https:// address with a host"))
    if not parts.username or not parts.password:
        raise ValueError(problem.format("it needs the account sid and auth token before the @"))
    if parts.query or parts.fragment:
        raise ValueError(problem.format("it takes no ?query or #fragment"))
    if not sender.strip():
        raise ValueError("KEEPCART_SMS_FROM: set the number or messaging service SMS come from")
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    base = f"{parts.scheme}://{host}{f':{port}' if port else ''}{parts.path.rstrip('/')}"
    return SmsAccount(base, unquote(parts.username), unquote(parts.password), sender.strip())


def env_name(spec: dataclasses.Field[Any]) -> str:
    return spec.metadata.get("env") or f"KEEPCART_{spec.name.upper()}"


def describe() -> list[tuple[str, str, str]]:
    """(environment variable, default, help) for every setting, for docs and ``--help``."""
    rows = []
    for spec in dataclasses.fields(Settings):
        default = spec.default
        shown = ",".join(default) if isinstance(default, tuple) else str(default)
        rows.append((env_name(spec), shown, spec.metadata["help"]))
    return rows


def _convert(spec: dataclasses.Field[Any], raw: str) -> Any:
    kind = type(spec.default)
    try:
        if kind is bool:
            return _parse_bool(raw)
        if kind is int:
            return int(raw)
        if kind is tuple:
            return _parse_list(raw)
        if issubclass(kind, Path):
            return Path(raw)
        return raw
    except ValueError as exc:
        raise ValueError(f"{env_name(spec)}: {exc}") from None
