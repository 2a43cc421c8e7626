"""What every view of one window shares: the database and who sits at the desk."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.database import display_url, session_factory


def os_login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "desk"


@dataclass
class DeskContext:
    engine: Engine
    sessions: sessionmaker[Session]
    desk_user: str

    @classmethod
    def for_engine(cls, engine: Engine, desk_user: str | None = None) -> DeskContext:
        return cls(
            engine=engine, sessions=session_factory(engine), desk_user=desk_user or os_login_name()
        )

    @property
    def database_label(self) -> str:
        return display_url(self.engine.url)
