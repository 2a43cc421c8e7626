"""The office's mail server, named by one URL: chosen by flag, then environment, then the desk.

`smtp://user@mail.example.com:587?security=starttls` — `security` is `starttls` (the default,
port 587), `tls` (port 465) or `none` (port 25). `from=` gives the sender's address (else the
user name when it is an address); `timeout=` the seconds to wait for the server. A password is
never kept in the URL: it lives in the keyring (`smtp_password`).
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from email_validator import EmailNotValidError, validate_email

from console.credentials import mask_url
from console.paths import data_dir
from console.services.errors import InputError

SMTP_ENV = "CONSOLE_SMTP_URL"
SAVED_SMTP_FILE = "mail-server.url"
URL_EXAMPLE = "smtp://user@mail.example.com:587?security=starttls"
DEFAULT_TIMEOUT_S = 30.0
# A send is a handful of exchanges with the server; at this most per exchange it always ends
# well inside the outbox's claim on the message, so no other desk takes it over meanwhile.
MAX_TIMEOUT_S = 60.0


class Security(enum.StrEnum):
    STARTTLS = "starttls"
    TLS = "tls"
    NONE = "none"


DEFAULT_PORTS = {Security.STARTTLS: 587, Security.TLS: 465, Security.NONE: 25}
KNOWN_OPTIONS = ("security", "from", "timeout")


class SmtpUrlProblem(InputError):
    """A mail server URL the console cannot use; the message is safe to show (no password)."""

    def __init__(self, message: str) -> None:
        super().__init__("mail server", message)


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand messages over. `password` is filled from the keyring when sent."""

    host: str
    port: int
    security: Security
    username: str | None
    sender: str
    timeout: float = DEFAULT_TIMEOUT_S
    password: str | None = None

    @property
    def key(self) -> str:
        """The name the password is kept under: one per user and server."""
        return f"{self.username or ''}@{self.host}:{self.port}"

    def display(self) -> str:
        """The server as safe to show: never the password."""
        user = f"{self.username}@" if self.username else ""
        return f"smtp://{user}{self.host}:{self.port}?security={self.security.value}"

    def __repr__(self) -> str:  # a password never reaches a log through a repr
        return f"SmtpServer({self.display()!r}, sender={self.sender!r})"


def parse_smtp_url(text: str) -> SmtpServer:
    """`text` as a mail server, or `SmtpUrlProblem` saying what to fix."""
    stripped = text.strip()
    shown = mask_url(stripped)
    if not stripped:
        raise SmtpUrlProblem(f"is empty; give a URL like {URL_EXAMPLE}")
    try:
        parts = urlsplit(stripped)
        port = parts.port
    except ValueError:
        raise SmtpUrlProblem(f"{shown!r}: the port must be a number from 1 to 65535") from None
    if parts.scheme.lower() not in ("smtp", "smtps"):
        scheme = parts.scheme or "(none)"
        raise SmtpUrlProblem(f"{mask_url(scheme)} is not smtp; give a URL like {URL_EXAMPLE}")
    host = parts.hostname or ""
    if not host or any(char.isspace() for char in host):
        raise SmtpUrlProblem(f"{shown!r} names no server; give a URL like {URL_EXAMPLE}")
    if parts.path not in ("", "/"):
        raise SmtpUrlProblem(f"{shown!r}: a mail server URL has no path after the server")
    options = parse_qs(parts.query, keep_blank_values=True)
    unknown = sorted(set(options) - set(KNOWN_OPTIONS))
    if unknown:
        raise SmtpUrlProblem(
            f"{unknown[0]!r} is not an option; options are: {', '.join(KNOWN_OPTIONS)}"
        )
    default_security = Security.TLS if parts.scheme.lower() == "smtps" else Security.STARTTLS
    security_text = options.get("security", [default_security.value])[-1].strip().lower()
    try:
        security = Security(security_text)
    except ValueError:
        raise SmtpUrlProblem(
            f"security {security_text!r} is not one of starttls, tls, none"
        ) from None
    if port is not None and not 0 < port < 65_536:
        raise SmtpUrlProblem(f"{shown!r}: the port must be a number from 1 to 65535")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    sender = options.get("from", [""])[-1].strip() or (
        username if username and "@" in username else f"dispatch-console@{host}"
    )
    try:
        validate_email(sender, check_deliverability=False)
    except EmailNotValidError:
        raise SmtpUrlProblem(f"the sender {sender!r} is not an email address") from None
    timeout = _timeout(options.get("timeout", [""])[-1])
    return SmtpServer(
        host=host,
        port=port or DEFAULT_PORTS[security],
        security=security,
        username=username,
        sender=sender,
        timeout=timeout,
        password=password or None,
    )


def _timeout(text: str) -> float:
    if not text.strip():
        return DEFAULT_TIMEOUT_S
    try:
        seconds = float(text)
    except ValueError:
        raise SmtpUrlProblem(f"timeout {text!r} is not a number of seconds") from None
    if not 0 < seconds <= MAX_TIMEOUT_S:
        raise SmtpUrlProblem(f"timeout must be more than 0 and at most {MAX_TIMEOUT_S:g} seconds")
    return seconds


def saved_smtp_url() -> str | None:
    """The mail server this desk was given in Preferences (never with a password)."""
    path = data_dir() / SAVED_SMTP_FILE
    if not path.exists():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def save_smtp_url(text: str | None) -> SmtpServer | None:
    """Remember the mail server for this desk and the command line; empty forgets it.

    The URL is checked first and saved without its password; the caller keeps the password
    with `smtp_password.remember_password`.
    """
    path = data_dir() / SAVED_SMTP_FILE
    if not text or not text.strip():
        path.unlink(missing_ok=True)
        return None
    server = parse_smtp_url(text)
    path.write_text(without_password_url(server, text), encoding="utf-8")
    return server


def without_password_url(server: SmtpServer, text: str) -> str:
    """The URL as typed, minus its password: options the user wrote are kept."""
    query = urlsplit(text.strip()).query
    user = f"{server.username}@" if server.username else ""
    scheme = urlsplit(text.strip()).scheme.lower()
    return f"{scheme}://{user}{server.host}:{server.port}" + (f"?{query}" if query else "")


def resolve_smtp_url(explicit: str | None = None) -> str | None:
    """The mail server chosen by `--smtp`, then `CONSOLE_SMTP_URL`, then Preferences; None
    when none is set up. An empty flag is refused rather than passed over."""
    if explicit is not None and not explicit.strip():
        raise SmtpUrlProblem(f"--smtp is empty; give a URL like {URL_EXAMPLE}")
    return explicit or os.environ.get(SMTP_ENV, "").strip() or saved_smtp_url()
