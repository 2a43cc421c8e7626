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
_URL_PASSWORD = re.compile(r"(?P<head>\b[a-z][a-z0-9+.\-]*://[^:/@\s]*:)(?P<secret>[^@\s]+)(?=@)")
_KEYWORD_PASSWORD = re.compile(r"(?P<head>\bpassword\s*=\s*)(?P<secret>'[^']*'|\"[^\"]*\"|\S+)")


def redact(text: str) -> str:
    """`text` with every password in a URL or a `password=` setting replaced by ***."""
    text = _URL_PASSWORD.sub(lambda m: f"{m['head']}***", text)
    return _KEYWORD_PASSWORD.sub(lambda m: f"{m['head']}***", text)


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
