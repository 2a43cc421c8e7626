"""Where the console keeps its files: the user's data folder and the shipped resources."""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import platformdirs

# The names of the data and settings folders (`~/.local/share/DispatchConsole` on Linux).
# Existing desks keep their databases, logs and settings there: never rename these.
APP_NAME = "DispatchConsole"
ORG_NAME = "DispatchConsole"
# What people see: window titles, the task bar, the About box.
DISPLAY_NAME = "Dispatch Console"
# The freedesktop id: packaging/linux/dispatch-console.desktop and the icon carry this name.
DESKTOP_ID = "dispatch-console"

# The top-level resources/ folder, installed inside the package (see setup.py).
RESOURCES_PACKAGE = "console.resources"


def data_dir() -> Path:
    """The per-user data folder; `CONSOLE_DATA_DIR` overrides it (tests, portable installs)."""
    override = os.environ.get("CONSOLE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resource(*parts: str) -> Traversable:
    """A file shipped with the console, found wherever it is installed: wheel, bundle or checkout.

    Read it with `read_bytes()`/`read_text()`; where a library needs a real file name, wrap it in
    `importlib.resources.as_file`.
    """
    try:
        package = files(RESOURCES_PACKAGE)
    except ModuleNotFoundError as missing:
        # Only a checkout whose editable install predates the mapping gets here.
        raise ModuleNotFoundError(
            f"{RESOURCES_PACKAGE} is not installed; run `pip install -e .` (or .ci/setup) again",
            name=RESOURCES_PACKAGE,
        ) from missing
    return package.joinpath(*parts)
