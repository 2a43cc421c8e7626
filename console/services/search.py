"""Customer search as the dispatcher types: every word must match somewhere, best names first.

SQLite answers from the FTS5 trigram table, PostgreSQL from the pg_trgm index; neither scans
the customers table. Words shorter than a trigram narrow the indexed matches, and a query
made only of short words falls back to a name-prefix range on an index.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlalchemy import Select, and_, case, column, func, literal_column, select, table
from sqlalchemy.orm import Session

from console.models import Customer
from console.models.search_index import SQLITE_SEARCH_TABLE, postgres_body

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
TRIGRAM = 3
MAX_WORDS = 8
FTS_TABLE = table(SQLITE_SEARCH_TABLE, column("rowid"), column("body"))


@dataclass(frozen=True, slots=True)
class CustomerHit:
    id: int
    account_number: str
    name: str
    company: str | None
    phone: str | None
    city: str | None
    street: str | None


def query_words(query: str) -> list[str]:
    """The words of a query, lower-cased, without empties; long pasted text is cut short."""
    return [word for word in query.lower().split() if word][:MAX_WORDS]


def escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(word: str) -> str:
    """One FTS5 string token; quotes inside are doubled so user input is never syntax."""
    return '"' + word.replace('"', '""') + '"'


def _hit_columns() -> Select:
    return select(
        Customer.id,
        Customer.account_number,
        Customer.name,
        Customer.company,
        Customer.phone,
        Customer.city,
        Customer.street,
    )


def _ranked(statement: Select, query: str, limit: int) -> Select:
    phrase = query.strip().lower()
    rank = case(
        (func.lower(Customer.name) == phrase, 0),
        (func.lower(Customer.account_number) == phrase, 0),
        (func.lower(Customer.name).like(escape_like(phrase) + "%", escape="\\"), 1),
        else_=2,
    )
    return statement.order_by(rank, Customer.name, Customer.id).limit(limit)


def _name_prefix(statement: Select, prefix: str) -> Select:
    upper_bound = prefix + "\U0010ffff"
    lowered = func.lower(Customer.name)
    return statement.where(and_(lowered >= prefix, lowered < upper_bound))


def _sqlite_statement(words: list[str]) -> Select:
    long_words = [word for word in words if len(word) >= TRIGRAM]
    statement = _hit_columns()
    if not long_words:
        return _name_prefix(statement, " ".join(words))
    match = " AND ".join(fts_phrase(word) for word in long_words)
    statement = statement.join(FTS_TABLE, FTS_TABLE.c.rowid == Customer.id).where(
        literal_column(SQLITE_SEARCH_TABLE).op("MATCH")(match)
    )
    for word in words:
        if len(word) < TRIGRAM:
            statement = statement.where(
                FTS_TABLE.c.body.like(f"%{escape_like(word)}%", escape="\\")
            )
    return statement


def _postgres_statement(words: list[str]) -> Select:
    if all(len(word) < TRIGRAM for word in words):
        return _name_prefix(_hit_columns(), " ".join(words))
    body = literal_column(postgres_body())
    statement = _hit_columns()
    for word in words:
        statement = statement.where(body.like(f"%{escape_like(word)}%", escape="\\"))
    return statement


def search_customers(session: Session, query: str, limit: int = DEFAULT_LIMIT) -> list[CustomerHit]:
    """Customers matching every word of `query` in name, company, phone, address or account."""
    words = query_words(query)
    if not words:
        return []
    started = time.perf_counter()
    if session.get_bind().dialect.name == "sqlite":
        statement = _sqlite_statement(words)
    else:
        statement = _postgres_statement(words)
    rows = session.execute(_ranked(statement, " ".join(words), limit)).all()
    log.debug(
        "search %r: %d hits in %.1f ms", query, len(rows), 1000 * (time.perf_counter() - started)
    )
    return [CustomerHit(*row) for row in rows]
