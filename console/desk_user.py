"""Who is at the desk: recorded on every event they cause."""

from __future__ import annotations

import getpass
import os

DESK_USER_ENV = "CONSOLE_DESK_USER"


def os_login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "desk"


def desk_user(preferred: str | None = None) -> str:
    """The preference if set, then $CONSOLE_DESK_USER, then the OS login."""
    for candidate in (preferred, os.environ.get(DESK_USER_ENV)):
        if candidate and candidate.strip():
            return candidate.strip()
    return os_login_name()
