"""Another desk's commit is noticed: on a shared SQLite file and through PostgreSQL NOTIFY."""

from __future__ import annotations

import time

from sqlalchemy import Engine, text

from console.database import CHANGES_CHANNEL, make_engine, session_factory
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


def test_the_watcher_connects_with_the_engines_server_options(
    postgres_server_url: str,
) -> None:
    """Server options in the URL (a space is `+` there) reach PostgreSQL as the engine sends
    them, so the watcher's own connection is set up like every other desk connection."""
    engine = make_engine(f"{postgres_server_url}?options=-c+application_name%3Dfront-desk")
    other_desk = make_engine(postgres_server_url)
    watcher = ChangeWatcher(engine)
    try:
        assert watcher.changed() is False
        with other_desk.connect() as connection:
            listening = connection.execute(
                text(
                    "SELECT query FROM pg_stat_activity"
                    " WHERE application_name = 'front-desk' AND pid <> pg_backend_pid()"
                )
            ).scalars()
            assert [query.split()[0] for query in listening] == ["SELECT"]
            connection.execute(text(f"NOTIFY {CHANGES_CHANNEL}"))
            connection.commit()
        deadline = time.monotonic() + 5
        seen = False
        while not seen and time.monotonic() < deadline:
            seen = watcher.changed()
            time.sleep(0.05)
        assert seen
    finally:
        watcher.close()
        engine.dispose()
        other_desk.dispose()


def test_closing_while_looks_run_on_other_threads_waits_for_them(engine: Engine) -> None:
    """The window closes the watcher on one pool thread while a look may still run on another;
    the close waits for it instead of pulling the connection from under the statement."""
    import threading

    answers: list[bool] = []
    for _ in range(20):
        watcher = ChangeWatcher(engine)
        go = threading.Event()

        def look(watcher: ChangeWatcher = watcher, go: threading.Event = go) -> None:
            go.wait()
            for _ in range(50):
                answers.append(watcher.changed())

        lookers = [threading.Thread(target=look) for _ in range(3)]
        for thread in lookers:
            thread.start()
        go.set()
        watcher.close()
        for thread in lookers:
            thread.join(10)
        assert not any(thread.is_alive() for thread in lookers)
        assert watcher.changed() is False  # closed: it never connects again
        watcher.close()  # a second close is harmless
    assert answers and all(isinstance(answer, bool) for answer in answers)
