"""Where the console keeps its files: the user's data folder and the shipped resources."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "DispatchConsole"
ORG_NAME = "DispatchConsole"

RESOURCES_DIR = Path(__file__).resolve().parent.parent / "resources"


def data_dir() -> Path:
    """The per-user data folder; `CONSOLE_DATA_DIR` overrides it (tests, portable installs)."""
    override = os.environ.get("CONSOLE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, ORG_NAME))
    path.mkdir(parents=True, exist_ok=True)
    return path


def resource(*parts: str) -> Path:
    return RESOURCES_DIR.joinpath(*parts)
