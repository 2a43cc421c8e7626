"""The mail server's password: in the OS keyring, else in an owner-only file; nowhere else.

Never in the desk's settings, the saved URL, a log line or a message. Where the machine has no
usable keyring (a server, a bare Linux desk), the password goes to `mail-passwords.json` in the
console's data folder, created readable by its owner only.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from contextlib import suppress
from dataclasses import replace
from pathlib import Path

import keyring
from keyring.errors import KeyringError

from console.paths import data_dir
from console.services.messages.smtp_url import SmtpServer

log = logging.getLogger(__name__)

KEYRING_SERVICE = "dispatch-console-smtp"
PASSWORD_FILE = "mail-passwords.json"


def _keyring_usable() -> bool:
    """A real keyring is there: the fail backend (and a null one) has priority below 1."""
    try:
        backend = keyring.get_keyring()
        return float(getattr(backend, "priority", 0)) >= 1
    except Exception:  # a broken keyring install is no keyring at all
        return False


def password_file() -> Path:
    return data_dir() / PASSWORD_FILE


def _read_file() -> dict[str, str]:
    path = password_file()
    if not path.exists():
        return {}
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        log.warning("the mail password file %s cannot be read; it is ignored", path)
        return {}
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def _write_file(passwords: dict[str, str]) -> None:
    path = password_file()
    # Created owner-only before the secret is written.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        json.dump(passwords, out)
    if sys.platform != "win32":
        path.chmod(0o600)


def remember_password(key: str, password: str) -> str:
    """Keep `password` for the server named by `key`; returns where: "keyring" or "file"."""
    if _keyring_usable():
        try:
            keyring.set_password(KEYRING_SERVICE, key, password)
        except KeyringError as error:
            log.warning("the keyring refused the mail password (%s); using the file", error)
        else:
            _forget_in_file(key)
            return "keyring"
    passwords = _read_file()
    passwords[key] = password
    _write_file(passwords)
    return "file"


def stored_password(key: str) -> str | None:
    """The password kept for `key`, from the keyring or the file; None when there is none."""
    if _keyring_usable():
        try:
            found = keyring.get_password(KEYRING_SERVICE, key)
        except KeyringError as error:
            log.warning("the keyring could not be read (%s); trying the file", error)
        else:
            if found is not None:
                return found
    return _read_file().get(key)


def forget_password(key: str) -> None:
    """Remove the password kept for `key`, wherever it is."""
    if _keyring_usable():
        with suppress(KeyringError):  # there was none
            keyring.delete_password(KEYRING_SERVICE, key)
    _forget_in_file(key)


def _forget_in_file(key: str) -> None:
    passwords = _read_file()
    if key in passwords:
        del passwords[key]
        _write_file(passwords)


def with_password(server: SmtpServer) -> SmtpServer:
    """The server with its kept password, unless its URL carried one or it needs no login."""
    if server.password or not server.username:
        return server
    return replace(server, password=stored_password(server.key))
