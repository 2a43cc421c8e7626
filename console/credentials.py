"""Database passwords: kept in PostgreSQL's own password file, never in settings or logs.

libpq (and so psycopg) reads the password file by itself, so a URL saved without its password
still connects. The file is the standard one: `PGPASSFILE`, else `~/.pgpass`, or
`%APPDATA%\\postgresql\\pgpass.conf` on Windows, readable by its owner only.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from sqlalchemy.engine import URL, make_url

DEFAULT_PORT = 5432
# A URL's user and password run from `://` to its last `@`; a password may itself hold `@`, `:`
# or `/` when it was typed without percent-encoding, so the whole span is blanked unless it is
# a plain user name (letters, digits, `.`, `_`, `-`), which cannot hide a password.
_URL_CREDENTIALS = re.compile(r"(?P<head>\b[A-Za-z][A-Za-z0-9+.\-]*://)(?P<span>[^\s'\"<>]*)@")
_PLAIN_USER = re.compile(r"[A-Za-z0-9._\-]+")
_KEYWORD_PASSWORD = re.compile(
    r"(?P<head>\b\w*password\s*=\s*)(?P<secret>'[^']*'|\"[^\"]*\"|[^\s&;,'\"]+)",
    re.IGNORECASE,
)


def redact(text: str) -> str:
    """`text` with every URL's credentials and every `password=` setting replaced by ***.

    `postgresql://bob:p@ss@host/db` becomes `postgresql://***@host/db`: everything between
    `://` and the last `@` goes, user name included, because a malformed password can hide
    anywhere in that span. `postgresql://bob@host/db` stays as it is.
    """
    text = _URL_CREDENTIALS.sub(_blank_credentials, text)
    return _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}***", text)


def _blank_credentials(match: re.Match[str]) -> str:
    if _PLAIN_USER.fullmatch(match["span"]):
        return match[0]
    return f"{match['head']}***@"


def mask_url(text: str) -> str:
    """A database URL as typed, safe to quote back even when it does not parse."""
    scheme, separator, rest = text.partition("://")
    if not separator:
        scheme, rest = "", text
    user, at, host = rest.rpartition("@")
    if at and not _PLAIN_USER.fullmatch(user):
        rest = f"***@{host}"
    return redact(scheme + separator + rest)


def pgpass_path() -> Path:
    override = os.environ.get("PGPASSFILE")
    if override:
        return Path(override)
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home())) / "postgresql" / "pgpass.conf"
    return Path.home() / ".pgpass"


def _escape(field: str) -> str:
    return field.replace("\\", "\\\\").replace(":", "\\:")


def _entry_key(line: str) -> tuple[str, ...]:
    """host, port, database and user of a password-file line (its first four fields)."""
    fields, current, escaped = [], "", False
    for char in line:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ":":
            fields.append(current)
            current = ""
        else:
            current += char
    fields.append(current)
    return tuple(fields[:4])


def remember_password(url: str | URL, path: Path | None = None) -> URL:
    """Move the URL's password into the password file; returns the URL without it."""
    parsed = make_url(url) if isinstance(url, str) else url
    if not parsed.password:
        return parsed
    key = (
        parsed.host or "localhost",
        str(parsed.port or DEFAULT_PORT),
        parsed.database or "*",
        parsed.username or "*",
    )
    target = path or pgpass_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = []
    if target.exists():
        kept = [
            line
            for line in target.read_text(encoding="utf-8").splitlines()
            if line.startswith("#") or _entry_key(line) != key
        ]
    entry = ":".join(_escape(field) for field in (*key, str(parsed.password)))
    # Created owner-only before the secret is written: libpq ignores a file others can read.
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write("\n".join([*kept, entry]) + "\n")
    if sys.platform != "win32":
        target.chmod(0o600)
    return without_password(parsed)


def without_password(url: URL) -> URL:
    # `URL.set(password=None)` leaves the password as it is, so the URL is built anew.
    return URL.create(
        url.drivername,
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
