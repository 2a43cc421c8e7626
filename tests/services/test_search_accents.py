"""Accents do not matter to search, either way round, on both backends and after upgrading."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from console.database import make_engine, session_factory
from console.migrate import alembic_config, upgrade_database
from console.models import Site
from console.models.text_fold import SINGLE_LETTER_FOLDS, fold
from console.services.customers.search import search_customers
from tests import factories


@pytest.fixture
def accented(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        factories.customer(session, account_number="A-1", name="Zoë Ørsted", city="Århus")
        factories.customer(session, account_number="A-2", name="José Núñez", street="Hauptstraße 4")
        factories.customer(session, account_number="A-3", name="Muller Plumbing")
        factories.customer(session, account_number="A-4", name="Nguyễn Văn Đức")
        factories.customer(session, account_number="A-5", name="Old Joseph Barn")
        manager = factories.customer(session, account_number="A-6", name="Ridge Properties")
        session.add(Site(customer_id=manager.id, name="Résidence Cœur", street="1 Rue Émile"))
    return sessions


def found(sessions: sessionmaker[Session], query: str) -> list[tuple[str, str]]:
    with sessions() as session:
        return [(hit.name, hit.why) for hit in search_customers(session, query)]


@pytest.mark.parametrize(
    ("query", "name", "why"),
    [
        ("zoe", "Zoë Ørsted", "name"),
        ("ZOE ORSTED", "Zoë Ørsted", "name"),
        ("aarhus", None, None),  # Å is an A with a ring, not "aa"
        ("arhus", "Zoë Ørsted", "town"),
        ("jose nunez", "José Núñez", "name"),
        ("Núñez", "José Núñez", "name"),
        ("hauptstrasse", "José Núñez", "street"),
        ("müller", "Muller Plumbing", "name"),
        # ă is in the table, ễ is not: it is matched as typed.
        ("Nguyễn van", "Nguyễn Văn Đức", "name"),
        ("residence coeur", "Ridge Properties", "site: Résidence Cœur"),
        ("rue emile", "Ridge Properties", "site: 1 Rue Émile"),
    ],
)
def test_a_name_is_found_whatever_accents_are_typed(
    accented: sessionmaker[Session], query: str, name: str | None, why: str | None
) -> None:
    hits = found(accented, query)
    if name is None:
        assert hits == []
    else:
        assert hits[0] == (name, why)


def test_the_name_typed_without_accents_ranks_as_an_exact_match(
    accented: sessionmaker[Session],
) -> None:
    """ "jose" starts José Núñez's name and only a later word of Old Joseph Barn's: the accent
    does not push the better match down."""
    assert [name for name, _why in found(accented, "jose")] == ["José Núñez", "Old Joseph Barn"]
    assert [name for name, _why in found(accented, "jose nunez")] == ["José Núñez"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("".join(SINGLE_LETTER_FOLDS) + "abcXYZ ß"), max_size=24))
def test_folding_is_stable_and_leaves_only_plain_letters_of_latin_text(typed: str) -> None:
    folded = fold(typed)
    assert fold(folded) == folded
    assert folded.isascii() and folded == folded.lower()


def searched_text(engine: Engine) -> list[str]:
    """The start of each customer's text in the SQLite search table: its name."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT body FROM customer_search ORDER BY rowid"))
        return [body.split("  ")[0] for (body,) in rows]  # the company is empty


def downgrade(engine: Engine, revision: str) -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_an_office_searched_before_the_upgrade_finds_accented_names_after_it(
    tmp_path: Path,
) -> None:
    """The upgrade builds the search text again from every customer and site; the downgrade
    gives back the old one, which still finds the names as written."""
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    try:
        upgrade_database(engine)
        sessions = session_factory(engine)
        with sessions.begin() as session:
            factories.customer(session, account_number="A-1", name="Zoë Ørsted")
        downgrade(engine, "0012")
        # As 0012 kept it: the text as written.
        assert found(sessions, "zoe") == []
        assert searched_text(engine) == ["Zoë Ørsted"]
        with sessions.begin() as session:
            factories.customer(session, account_number="A-2", name="Chloé Brûlé")
        upgrade_database(engine)
        assert found(sessions, "zoe") == [("Zoë Ørsted", "name")]
        assert found(sessions, "chloe brule") == [("Chloé Brûlé", "name")]
        assert searched_text(engine) == ["zoe orsted", "chloe brule"]
    finally:
        engine.dispose()


def search_index_definitions(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND indexname LIKE '%search_trgm' ORDER BY indexname"
            )
        )
        return [definition for (definition,) in rows]


def test_on_postgresql_the_upgrade_indexes_the_folded_text_and_the_downgrade_the_old(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("the trigram indexes are PostgreSQL's")
    engine = make_engine(database_url)
    try:
        upgrade_database(engine)
        sessions = session_factory(engine)
        with sessions.begin() as session:
            factories.customer(session, account_number="A-1", name="Zoë Ørsted")
        folded = search_index_definitions(engine)
        assert len(folded) == 2 and all("translate(lower(" in d for d in folded)
        downgrade(engine, "0012")
        old = search_index_definitions(engine)
        assert len(old) == 2 and not any("translate(" in d for d in old)
        upgrade_database(engine)
        assert search_index_definitions(engine) == folded
        assert found(sessions, "zoe orsted") == [("Zoë Ørsted", "name")]
    finally:
        engine.dispose()


def test_a_short_query_reads_names_by_their_first_letters_as_typed(
    sessions: sessionmaker[Session],
) -> None:
    """One or two letters read the name index, lower-cased as typed: on PostgreSQL an accent
    typed at the start finds its name; plain letters find names that start with them."""
    with sessions.begin() as session:
        factories.customer(session, account_number="S-1", name="Ørsted Heating")
        factories.customer(session, account_number="S-2", name="Orchard Farm")
    assert [name for name, _why in found(sessions, "or")] == ["Orchard Farm"]
    with sessions() as session:
        postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        assert [name for name, _why in found(sessions, "ør")] == ["Ørsted Heating"]


def test_a_console_connection_trusts_its_schema_so_the_triggers_may_fold(tmp_path: Path) -> None:
    """An SQLite built with trusted_schema off refuses a trigger calling an application
    function as unsafe; the console's connections turn it on, for their own file."""
    engine = make_engine(f"sqlite:///{tmp_path / 'office.sqlite'}")
    try:
        upgrade_database(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA trusted_schema").scalar() == 1
        with session_factory(engine).begin() as session:
            factories.customer(session, account_number="T-1", name="Zoë")
        assert found(session_factory(engine), "zoe") == [("Zoë", "name")]
    finally:
        engine.dispose()
