"""Customer search as the dispatcher types: every word must match somewhere, best names first.

A customer matches on its own details or, all words on one site, on a site's name or address;
a hit found only through a site names that site. SQLite answers from the FTS5 trigram tables,
PostgreSQL from the pg_trgm indexes; neither scans the customers or sites table. Words shorter
than a trigram narrow the indexed matches, and a query made only of short words falls back to
a name-prefix range on an index.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import TextClause, text
from sqlalchemy.orm import Session

from console.models.customer import one_line_address
from console.models.search_index import (
    SQLITE_SEARCH_TABLE,
    SQLITE_SITE_SEARCH_TABLE,
    postgres_body,
    postgres_site_body,
)

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
    site_id: int | None = None
    """Set when the words matched one of the customer's sites rather than the customer."""
    site_name: str | None = None
    site_address: str | None = None

    @property
    def matched_on_site(self) -> bool:
        return self.site_id is not None


def query_words(query: str) -> list[str]:
    """The words of a query, lower-cased, without empties; long pasted text is cut short."""
    return [word for word in query.lower().split() if word][:MAX_WORDS]


def escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(word: str) -> str:
    """One FTS5 string token; quotes inside are doubled so user input is never syntax."""
    return '"' + word.replace('"', '""') + '"'


HIT_COLUMNS = (
    "c.id, c.account_number, c.name, c.company, c.phone, c.city, c.street, "
    "site.id, site.name, site.street, site.postal_code, site.city, site.country"
)
RANK = (
    "CASE WHEN lower(c.name) = :phrase THEN 0 WHEN lower(c.account_number) = :phrase THEN 0 "
    "WHEN lower(c.name) LIKE :phrase_prefix ESCAPE '\\' THEN 1 ELSE 2 END"
)


@cache
def _statement(dialect: str, long_words: int, short_words: int) -> TextClause:
    """The search SQL for one shape of query, written once and reused for every keystroke.

    Only the shape (how many words of each kind) varies; every user-typed value is a bound
    parameter. A query without a word long enough for the trigram index reads a name range.
    Customers matching on their own details come with no site; the others are found through
    the first of their sites on which every word matches.
    """
    if long_words == 0:
        direct = (
            "SELECT c.id FROM customers AS c WHERE lower(c.name) >= :low AND lower(c.name) < :high"
        )
        by_site = None
    elif dialect == "sqlite":
        shorts = "".join(f" AND s.body LIKE :short{n} ESCAPE '\\'" for n in range(short_words))
        direct = (
            f"SELECT s.rowid AS id FROM {SQLITE_SEARCH_TABLE} AS s "
            f"WHERE {SQLITE_SEARCH_TABLE} MATCH :match{shorts}"
        )
        by_site = (
            f"SELECT st.customer_id AS id, min(st.id) AS site_id FROM {SQLITE_SITE_SEARCH_TABLE}"
            f" AS s JOIN sites AS st ON st.id = s.rowid WHERE {SQLITE_SITE_SEARCH_TABLE} MATCH"
            f" :match{shorts} GROUP BY st.customer_id"
        )
    else:
        total = long_words + short_words
        body, site_body = postgres_body("c"), postgres_site_body("st")
        words = " AND ".join(f"{body} LIKE :word{n} ESCAPE '\\'" for n in range(total))
        site_words = " AND ".join(f"{site_body} LIKE :word{n} ESCAPE '\\'" for n in range(total))
        direct = f"SELECT c.id FROM customers AS c WHERE {words}"
        by_site = (
            "SELECT st.customer_id AS id, min(st.id) AS site_id FROM sites AS st "
            f"WHERE {site_words} GROUP BY st.customer_id"
        )
    found = "SELECT id, CAST(NULL AS INTEGER) AS site_id FROM direct"
    if by_site is not None:
        found += (
            " UNION ALL SELECT id, site_id FROM by_site WHERE id NOT IN (SELECT id FROM direct)"
        )
        ctes = f"WITH direct AS ({direct}), by_site AS ({by_site}), found AS ({found})"
    else:
        ctes = f"WITH direct AS ({direct}), found AS ({found})"
    order = f"{RANK}, c.name, c.id"
    return text(
        f"{ctes} SELECT {HIT_COLUMNS} FROM found JOIN customers AS c ON c.id = found.id"
        f" LEFT JOIN sites AS site ON site.id = found.site_id ORDER BY {order} LIMIT :limit"
    )


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
    return [_hit(row) for row in rows]


def _hit(row: Any) -> CustomerHit:
    (customer_id, account, name, company, phone, city, street, site_id, site_name) = row[:9]
    site_street, site_postal, site_city, site_country = row[9:]
    return CustomerHit(
        customer_id,
        account,
        name,
        company,
        phone,
        city,
        street,
        site_id,
        site_name,
        one_line_address(site_street, site_postal, site_city, site_country)
        if site_id is not None
        else None,
    )
