"""Customer search as the dispatcher types: every word must match somewhere, best names first.

SQLite answers from the FTS5 trigram table, PostgreSQL from the pg_trgm index; neither scans
the customers table. Words shorter than a trigram narrow the indexed matches, and a query
made only of short words falls back to a name-prefix range on an index.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from console.models.search_index import SQLITE_SEARCH_TABLE, postgres_body

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
TRIGRAM = 3
MAX_WORDS = 8


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


HIT_COLUMNS = "c.id, c.account_number, c.name, c.company, c.phone, c.city, c.street"
RANK = (
    "CASE WHEN lower(c.name) = :phrase THEN 0 WHEN lower(c.account_number) = :phrase THEN 0 "
    "WHEN lower(c.name) LIKE :phrase_prefix ESCAPE '\\' THEN 1 ELSE 2 END"
)


@cache
def _statement(dialect: str, long_words: int, short_words: int) -> TextClause:
    """The search SQL for one shape of query, written once and reused for every keystroke.

    Only the shape (how many words of each kind) varies; every user-typed value is a bound
    parameter. A query without a word long enough for the trigram index reads a name range.
    """
    conditions: list[str] = []
    source = "customers AS c"
    if long_words == 0:
        conditions.append("lower(c.name) >= :low AND lower(c.name) < :high")
    elif dialect == "sqlite":
        source += f" JOIN {SQLITE_SEARCH_TABLE} AS s ON s.rowid = c.id"
        conditions.append(f"{SQLITE_SEARCH_TABLE} MATCH :match")
        conditions += [f"s.body LIKE :short{n} ESCAPE '\\'" for n in range(short_words)]
    else:
        body = postgres_body("c")
        total = long_words + short_words
        conditions += [f"{body} LIKE :word{n} ESCAPE '\\'" for n in range(total)]
    where = " AND ".join(conditions)
    order = f"{RANK}, c.name, c.id"
    return text(f"SELECT {HIT_COLUMNS} FROM {source} WHERE {where} ORDER BY {order} LIMIT :limit")


def search_statement(
    dialect: str, words: list[str], limit: int
) -> tuple[TextClause, dict[str, object]]:
    long_words = [word for word in words if len(word) >= TRIGRAM]
    short_words = [word for word in words if len(word) < TRIGRAM]
    phrase = " ".join(words)
    params: dict[str, object] = {
        "phrase": phrase,
        "phrase_prefix": escape_like(phrase) + "%",
        "limit": limit,
    }
    if not long_words:
        params.update(low=phrase, high=phrase + "\U0010ffff")
        short_words = []
    elif dialect == "sqlite":
        params["match"] = " AND ".join(fts_phrase(word) for word in long_words)
        params.update({f"short{n}": f"%{escape_like(word)}%" for n, word in enumerate(short_words)})
    else:
        params.update(
            {
                f"word{n}": f"%{escape_like(word)}%"
                for n, word in enumerate(long_words + short_words)
            }
        )
    return _statement(dialect, len(long_words), len(short_words)), params


def search_customers(session: Session, query: str, limit: int = DEFAULT_LIMIT) -> list[CustomerHit]:
    """Customers matching every word of `query` in name, company, phone, address or account."""
    words = query_words(query)
    if not words:
        return []
    started = time.perf_counter()
    dialect = "sqlite" if session.get_bind().dialect.name == "sqlite" else "postgresql"
    statement, params = search_statement(dialect, words, limit)
    rows = session.connection().execute(statement, params).all()
    log.debug(
        "search %r: %d hits in %.1f ms", query, len(rows), 1000 * (time.perf_counter() - started)
    )
    return [CustomerHit(*row) for row in rows]
