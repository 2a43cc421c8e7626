"""Another desk's commit is noticed: on a shared SQLite file and through PostgreSQL NOTIFY."""

from __future__ import annotations

import time

from sqlalchemy import Engine

from console.database import make_engine, session_factory
from console.services.changes import ChangeWatcher
from tests import factories


def test_other_desk_commit_is_noticed(engine: Engine) -> None:
    watcher = ChangeWatcher(engine)
    other_desk = make_engine(engine.url.render_as_string(hide_password=False))
    sessions = session_factory(other_desk)
    try:
        assert watcher.changed() is False
        with sessions.begin() as session:
            factories.customer(session, name="Added elsewhere")
        deadline = time.monotonic() + 5
        seen = False
        while not seen and time.monotonic() < deadline:
            seen = watcher.changed()
            time.sleep(0.05)
        assert seen
        assert watcher.changed() is False
    finally:
        watcher.close()
        other_desk.dispose()
