"""Customer search: every field, partial words, ranking and hostile input, on both backends."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.services.search import search_customers
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
