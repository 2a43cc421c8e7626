"""Customer search: every field, partial words, ranking and hostile input, on both backends."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from console.models import Site
from console.services.customers.search import (
    CustomerHit,
    query_words,
    search_customers,
    search_statement,
)
from tests import factories


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        factories.customer(
            session,
            account_number="100042",
            name="Miller Bakery",
            company="Miller & Sons LLC",
            phone="(217) 555-0142",
            email="orders@millerbakery.example",
            street="12 Oak Ave",
            city="Springfield",
            postal_code="62701",
        )
        factories.customer(session, account_number="100043", name="Mill", city="Riverton")
        factories.customer(session, account_number="100044", name="Ann Hammill", street="3 Mill Rd")
        factories.customer(session, account_number="100045", name="Łukasz Wójcik", city="Kraków")
        factories.customer(session, account_number="100046", name="李伟", phone="630 555 7788")
        factories.customer(session, account_number="100047", name="O'Brien Dental", city="Salem")
    return sessions


def names(sessions: sessionmaker[Session], query: str) -> list[str]:
    with sessions() as session:
        return [hit.name for hit in search_customers(session, query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Miller Bakery", "Miller Bakery"),
        ("sons", "Miller Bakery"),
        ("555-0142", "Miller Bakery"),
        ("2175550142", "Miller Bakery"),
        ("millerbakery.example", "Miller Bakery"),
        ("oak ave", "Miller Bakery"),
        ("springfield", "Miller Bakery"),
        ("62701", "Miller Bakery"),
        ("100045", "Łukasz Wójcik"),
        ("wójc", "Łukasz Wójcik"),
        ("kraków", "Łukasz Wójcik"),
        ("李伟", "李伟"),
        ("7788", "李伟"),
    ],
)
def test_finds_customer_by_each_field(
    office: sessionmaker[Session], query: str, expected: str
) -> None:
    assert expected in names(office, query)


def test_partial_words_match_inside_names(office: sessionmaker[Session]) -> None:
    assert set(names(office, "ill")) >= {"Miller Bakery", "Mill", "Ann Hammill"}
    assert names(office, "akery") == ["Miller Bakery"]


def test_every_word_must_match(office: sessionmaker[Session]) -> None:
    assert names(office, "miller springfield") == ["Miller Bakery"]
    assert names(office, "miller riverton") == []


def test_exact_name_ranks_first_then_prefix(office: sessionmaker[Session]) -> None:
    found = names(office, "mill")
    assert found[0] == "Mill"
    assert found.index("Miller Bakery") < found.index("Ann Hammill")


def test_short_query_matches_name_prefix(office: sessionmaker[Session]) -> None:
    assert names(office, "mi") == ["Mill", "Miller Bakery"]


def test_garbage_finds_nothing(office: sessionmaker[Session]) -> None:
    assert names(office, "zzqxv") == []
    assert names(office, "   ") == []


@pytest.mark.parametrize(
    "query",
    [
        "' OR 1=1 --",
        '"; DROP TABLE customers; --',
        '"unterminated',
        "100%",
        "_",
        "a\\b",
        "NEAR(",
        "*",
    ],
)
def test_hostile_input_is_just_text(office: sessionmaker[Session], query: str) -> None:
    assert names(office, query) == []
    assert "Mill" in names(office, "mill")


def test_quotes_inside_names_are_searchable(office: sessionmaker[Session]) -> None:
    assert names(office, "o'brien") == ["O'Brien Dental"]


@pytest.fixture
def ranked(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    """Customers holding "elm" or a phone in different places, to rank against each other."""
    with sessions.begin() as session:
        factories.customer(session, account_number="200001", name="Ada Town", city="Elmhurst")
        factories.customer(session, account_number="200002", name="Bo Street", street="12 Elm St")
        factories.customer(session, account_number="200003", name="Elm Grove Farms")
        factories.customer(session, account_number="200004", name="The Elm Tree Inn")
        factories.customer(session, account_number="200005", name="Helmut Kay")
        factories.customer(session, account_number="200006", name="Cy Co", company="Elmer Ltd")
        factories.customer(session, account_number="200007", name="Elm")
        factories.customer(session, account_number="ELM-9", name="Dee Account")
        factories.customer(session, account_number="200008", name="Eve Mail", email="elm@x.test")
        factories.customer(
            session, account_number="200009", name="Phone Owner", phone="(555) 012-3"
        )
        factories.customer(
            session, account_number="200010", name="Other Phone", phone="555-0123 ext 9"
        )
        factories.customer(session, account_number="200011", name="Łukasz Elmowski")
    return sessions


def hits(sessions: sessionmaker[Session], query: str) -> list[CustomerHit]:
    with sessions() as session:
        return search_customers(session, query)


def test_ranking_name_then_company_then_inside_then_street_then_town(
    ranked: sessionmaker[Session],
) -> None:
    assert [hit.name for hit in hits(ranked, "elm")] == [
        "Elm",  # the name is the query
        "Dee Account",  # the account number starts with it (with the name prefixes, by name)
        "Elm Grove Farms",  # the name starts with it
        "Cy Co",  # the company starts with it
        "The Elm Tree Inn",  # a later word of the name starts with it
        "Łukasz Elmowski",
        "Helmut Kay",  # inside the name
        "Bo Street",  # the street
        "Ada Town",  # the town
        "Eve Mail",  # only the email
    ]


def test_each_hit_says_why_it_matched(ranked: sessionmaker[Session]) -> None:
    why = {hit.name: hit.why for hit in hits(ranked, "elm")}
    assert why["Elm"] == "name"
    assert why["Dee Account"] == "account"
    assert why["Cy Co"] == "company"
    assert why["Bo Street"] == "street"
    assert why["Ada Town"] == "town"
    assert why["Eve Mail"] == "email"
    assert [hit.why for hit in hits(ranked, "5550123")][:1] == ["phone"]


@pytest.mark.parametrize("typed", ["5550123", "555-0123", "(555) 012-3", "555 0123", "555.01"])
def test_phone_matches_without_punctuation(ranked: sessionmaker[Session], typed: str) -> None:
    assert {hit.name for hit in hits(ranked, typed)} == {"Phone Owner", "Other Phone"}


def test_a_phone_ranks_with_names_that_start_with_the_query(
    ranked: sessionmaker[Session],
) -> None:
    with ranked.begin() as session:
        factories.customer(session, name="Street 5550", street="5550123 Long Rd")
    found = [hit.name for hit in hits(ranked, "(555) 012-3")]
    assert found == ["Other Phone", "Phone Owner", "Street 5550"]


def test_a_capitalised_accented_name_ranks_as_a_prefix(ranked: sessionmaker[Session]) -> None:
    found = [hit.name for hit in hits(ranked, "łukasz")]
    assert found == ["Łukasz Elmowski"]
    with ranked.begin() as session:
        factories.customer(session, name="Ann Łukaszewicz")
        factories.customer(session, name="Zed Yard", street="1 Łukasza St")
    found = [hit.name for hit in hits(ranked, "łukasz")]
    assert found == ["Łukasz Elmowski", "Ann Łukaszewicz", "Zed Yard"]


def test_the_whole_query_outranks_its_first_word(ranked: sessionmaker[Session]) -> None:
    with ranked.begin() as session:
        factories.customer(session, name="Elm Street Diner", street="4 Oak Ave")
        factories.customer(session, name="Oak Hall", street="9 Elm Street")
    found = [hit.name for hit in hits(ranked, "elm street")]
    assert found[0] == "Elm Street Diner"
    assert found.index("Elm Street Diner") < found.index("Oak Hall")


LETTERS = st.text(alphabet="abcdefghijklmnoprstuvwyz", min_size=1, max_size=8)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(word=LETTERS, rest=LETTERS, other=LETTERS, number=st.integers(1, 999))
def test_a_name_starting_with_the_query_ranks_above_a_street_holding_it(
    sessions: sessionmaker[Session], word: str, rest: str, other: str, number: int
) -> None:
    assume(word not in other and word not in "st")
    with sessions.begin() as session:
        by_name = factories.customer(session, name=(word + rest).capitalize(), street="1 Q Rd")
        by_street = factories.customer(
            session, name=f"Qq {other}", street=f"{number} {word.capitalize()} St"
        )
        by_name_id, by_street_id = by_name.id, by_street.id
    with sessions() as session:
        found = [hit.id for hit in search_customers(session, word, limit=500)]
    assert by_name_id in found
    if by_street_id in found:  # words shorter than a trigram only look at names
        assert found.index(by_name_id) < found.index(by_street_id)


def test_a_site_hit_says_which_site_and_shows_its_address(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        owner = factories.customer(session, name="Harbour Estates", street="1 Ledger Row")
        session.add(
            Site(customer_id=owner.id, name="North Tower", street="12 Elm St", city="Salem")
        )
    with sessions() as session:
        (hit,) = search_customers(session, "12 elm")
    assert hit.why == "site: 12 Elm St"
    assert hit.address == "12 Elm St, Salem"
    (by_town,) = hits(sessions, "salem")
    assert by_town.why == "site: Salem"


@pytest.mark.parametrize("query", ["555-0123", "(555) 012-3 elm", "elmhurst"])
def test_phone_and_ranked_queries_still_use_the_trigram_index(
    demo_engine: Engine, query: str
) -> None:
    """Ranking reads only what the index found: the keystroke query is never a table scan."""
    if demo_engine.dialect.name != "postgresql":
        pytest.skip("query plans are checked on PostgreSQL; SQLite reads the FTS5 table")
    statement, params = search_statement("postgresql", query_words(query), 50)
    with demo_engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    with demo_engine.begin() as connection:
        connection.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(row[0] for row in connection.execute(text(f"EXPLAIN {statement}"), params))
    assert "ix_customers_search_trgm" in plan
    assert "Seq Scan on customers" not in plan
