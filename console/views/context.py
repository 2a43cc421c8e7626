"""What every view of one window shares: the database, who sits at the desk, and change news."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from console.database import display_url, session_factory
from console.desk_user import desk_user as desk_user_name
from console.services.connection import is_connection_error
from console.services.errors import Conflict, InputError
from console.views.common.outage import NOT_SAVED_OFFLINE

T = TypeVar("T")


class ChangeHub(QObject):
    """Views announce what they changed, so every other view can show it at once.

    `trouble` carries the error whenever the database could not be reached.
    """

    changed = Signal(str)
    trouble = Signal(object)


@dataclass
class DeskContext:
    engine: Engine
    sessions: sessionmaker[Session]
    desk_user: str
    hub: ChangeHub = field(default_factory=ChangeHub)
    online: bool = True

    @classmethod
    def for_engine(cls, engine: Engine, desk_user: str | None = None) -> DeskContext:
        return cls(engine, session_factory(engine), desk_user_name(desk_user))

    @property
    def database_label(self) -> str:
        return display_url(self.engine.url)

    def report_trouble(self, error: BaseException | None) -> None:
        """The database did not answer: the window shows it and retries until it does."""
        self.online = False
        self.hub.trouble.emit(error)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def write(
        self, parent: QWidget | None, work: Callable[[Session], T], what: str = "data"
    ) -> T | None:
        """Run `work` in one transaction; a refusal is shown to the user and nothing is saved."""
        try:
            with self.sessions.begin() as session:
                result = work(session)
        except InputError as error:
            QMessageBox.warning(parent, "Not saved", str(error))
            return None
        except Conflict as error:
            QMessageBox.warning(parent, "Changed on another desk", f"{error}\n\nNothing was saved.")
            self.hub.changed.emit(what)
            return None
        except Exception as error:
            if not is_connection_error(error):
                raise
            self.report_trouble(error)
            QMessageBox.warning(parent, "Not saved", NOT_SAVED_OFFLINE)
            return None
        self.hub.changed.emit(what)
        return result
