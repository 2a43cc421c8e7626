"""What every view of one window shares: the database and who sits at the desk."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.database import display_url, session_factory
from console.desk_user import desk_user as desk_user_name


@dataclass
class DeskContext:
    engine: Engine
    sessions: sessionmaker[Session]
    desk_user: str

    @classmethod
    def for_engine(cls, engine: Engine, desk_user: str | None = None) -> DeskContext:
        return cls(engine, session_factory(engine), desk_user_name(desk_user))

    @property
    def database_label(self) -> str:
        return display_url(self.engine.url)
