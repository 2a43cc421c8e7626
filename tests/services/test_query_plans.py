"""The keystroke and open-customer queries can use their indexes on PostgreSQL (EXPLAIN)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from console.services.customers.search import query_words, search_statement


def plan(engine: Engine, sql: str, params: dict[str, object]) -> str:
    with engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        rows = connection.execute(text(f"EXPLAIN {sql}"), params).all()
    return "\n".join(row[0] for row in rows)


@pytest.fixture
def postgres(demo_engine: Engine) -> Engine:
    if demo_engine.dialect.name != "postgresql":
        pytest.skip(
            "query plans are checked on PostgreSQL; SQLite reads the FTS5 table by construction"
        )
    with demo_engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return demo_engine


@pytest.mark.parametrize("query", ["mil", "smith spring", "555-01"])
def test_search_uses_the_trigram_index(postgres: Engine, query: str) -> None:
    statement, params = search_statement("postgresql", query_words(query), 50)
    assert "ix_customers_search_trgm" in plan(postgres, str(statement), params)


def test_open_customer_history_uses_its_index(postgres: Engine) -> None:
    sql = (
        "SELECT id FROM service_visits WHERE customer_id = :customer "
        "ORDER BY scheduled_for DESC, id DESC LIMIT 200"
    )
    assert "ix_service_visits_customer_scheduled" in plan(postgres, sql, {"customer": 7})
