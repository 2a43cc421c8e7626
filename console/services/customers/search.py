"""Customer search as the dispatcher types: every word must match somewhere, best matches first.

A customer matches on its own details or, all words on one site, on a site's name or address;
a hit found only through a site names that site. SQLite answers from the FTS5 trigram tables,
PostgreSQL from the pg_trgm indexes; neither scans the customers or sites table. Words shorter
than a trigram narrow the indexed matches, and a query made only of short words falls back to
a name-prefix range on an index.

Ranking (only over the rows the indexes found): an exact or starting match on the name, account
number or phone first, then a word of the name or the company starting with the query, then the
query inside those, then the street, then the town or postal code, then anything else (email).
Phone numbers match without their punctuation: "5550123" and "555-0123" both find
"(555) 012-3". Accents do not matter either way: "zoe" finds "Zoë" and "Müller" finds
"Muller" (both sides are folded, `models/text_fold`). Each hit says why it matched ("name",
"phone", "site: 12 Elm St").
"""

from __future__ import annotations

import logging
import re
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
from console.models.text_fold import fold, postgres_fold, sqlite_fold_sql

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 50
TRIGRAM = 3
MAX_WORDS = 8
PHONE_PUNCTUATION = frozenset(" -().+/")
NOT_DIGITS = re.compile(r"\D")
PHONE_LABEL = "phone"


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
    postal_code: str | None = None
    country: str | None = None
    why: str = ""
    """What the words matched, in the desk's words: "name", "phone, town", "site: 12 Elm St"."""

    @property
    def matched_on_site(self) -> bool:
        return self.site_id is not None

    @property
    def address(self) -> str:
        """Where the hit is: the matched site's address, else the customer's own."""
        if self.site_address is not None:
            return self.site_address
        return one_line_address(self.street, self.postal_code, self.city, self.country)


def query_words(query: str) -> list[str]:
    """The words of a query, folded, without empties; long pasted text is cut short."""
    return [word for word in fold(query).split() if word][:MAX_WORDS]


def escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_phrase(word: str) -> str:
    """One FTS5 string token; quotes inside are doubled so user input is never syntax."""
    return '"' + word.replace('"', '""') + '"'


def phone_digits(text: str) -> str | None:
    """The digits of something typed like a phone number ("(555) 012-3"), else None."""
    if not all(char.isdigit() or char in PHONE_PUNCTUATION for char in text):
        return None
    digits = "".join(char for char in text if char.isdigit())
    return digits if len(digits) >= TRIGRAM else None


def _digit_alternative(word: str) -> str | None:
    """The punctuation-free form a phone-like word is also searched as, when it differs."""
    digits = phone_digits(word)
    return digits if digits is not None and digits != word else None


HIT_COLUMNS = (
    "c.id, c.account_number, c.name, c.company, c.phone, c.city, c.street, "
    "site.id, site.name, site.street, site.postal_code, site.city, site.country, "
    "c.postal_code, c.country, c.phone_alt, c.email"
)


def _digits(column: str, dialect: str) -> str:
    if dialect == "postgresql":
        return f"regexp_replace({column}, '[^0-9]', '', 'g')"
    expr = column
    for char in sorted(PHONE_PUNCTUATION):
        expr = f"replace({expr}, '{char}', '')"
    return expr


@dataclass(frozen=True, slots=True)
class TierShape:
    """What a typed text needs from the ranking SQL: a phone form."""

    phone: bool

    @classmethod
    def of(cls, typed: str) -> TierShape:
        return cls(phone_digits(typed) is not None)


def _folded(column: str, dialect: str) -> str:
    """`column` folded as the typed words are, so the ranking ignores accents too (ASCII text
    is left as it is: LIKE and ILIKE ignore its case already)."""
    if dialect == "sqlite":
        return sqlite_fold_sql(column, ascii_as_is=True)
    return postgres_fold(column, ascii_as_is=True)


def _tier(dialect: str, key: str, shape: TierShape) -> str:
    """How well the text in parameters `key*` matches a found row: 0 best, 6 weakest.

    Only the rows the indexes found are ranked, yet a short query finds many: each row costs
    a handful of LIKEs, and the phone's digits are worked out only for a phone-like query.
    """
    # Both sides are folded; PostgreSQL's lower() may leave other scripts' capitals as they
    # are (a C locale), and its ILIKE does not.
    like_op = "ILIKE" if dialect == "postgresql" else "LIKE"

    def like(column: str, param: str) -> str:
        return f"{_folded(column, dialect)} {like_op} :{key}_{param} ESCAPE '\\'"

    phone = _digits("c.phone", dialect)
    exact = [like("c.name", "exact"), like("c.account_number", "exact")]
    starts = [like("c.name", "start"), like("c.account_number", "start")]
    word_starts = [like("c.name", "word"), like("c.company", "start"), like("c.company", "word")]
    word_starts.append(like("site.name", "start"))
    inside = [like(column, "inside") for column in ("c.name", "c.company", "c.account_number")]
    if shape.phone:  # one digits pass per row: a number typed whole ranks with its prefixes
        starts.append(f"{phone} LIKE :{key}_digits_start")
        inside.append(f"{phone} LIKE :{key}_digits_inside")
    else:
        inside.append(like("c.phone", "inside"))
    street = [like("c.street", "inside"), like("site.street", "inside")]
    town = [
        like(column, "inside")
        for column in ("c.city", "c.postal_code", "site.city", "site.postal_code")
    ]
    tiers = (exact, starts, word_starts, inside, street, town)
    cases = " ".join(
        f"WHEN {' OR '.join(conditions)} THEN {n}" for n, conditions in enumerate(tiers)
    )
    return f"CASE {cases} ELSE {len(tiers)} END"


def _tier_params(key: str, typed: str) -> dict[str, object]:
    escaped = escape_like(typed)
    digits = phone_digits(typed)
    return {
        f"{key}_exact": escaped,
        f"{key}_start": escaped + "%",
        f"{key}_word": "% " + escaped + "%",
        f"{key}_inside": "%" + escaped + "%",
        f"{key}_digits_start": None if digits is None else digits + "%",
        f"{key}_digits_inside": None if digits is None else "%" + digits + "%",
    }


@cache
def _statement(
    dialect: str,
    long_words: int,
    short_words: int,
    alternatives: tuple[bool, ...],
    ranking: tuple[TierShape, ...],
) -> TextClause:
    """The search SQL for one shape of query, written once and reused for every keystroke.

    Only the shape (how many words of each kind, which long words have a digits-only form on
    PostgreSQL) varies; every user-typed value is a bound parameter. A query without a word
    long enough for the trigram index reads a name range. Customers matching on their own
    details come with no site; the others are found through the first of their sites on which
    every word matches.
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

        def each_word(searched: str) -> str:
            conditions = []
            for n in range(total):
                condition = f"{searched} LIKE :word{n} ESCAPE '\\'"
                if n < long_words and alternatives[n]:
                    condition = f"({condition} OR {searched} LIKE :digits{n})"
                conditions.append(condition)
            return " AND ".join(conditions)

        direct = f"SELECT c.id FROM customers AS c WHERE {each_word(body)}"
        by_site = (
            "SELECT st.customer_id AS id, min(st.id) AS site_id FROM sites AS st "
            f"WHERE {each_word(site_body)} GROUP BY st.customer_id"
        )
    found = "SELECT id, CAST(NULL AS INTEGER) AS site_id FROM direct"
    if by_site is not None:
        found += (
            " UNION ALL SELECT id, site_id FROM by_site WHERE id NOT IN (SELECT id FROM direct)"
        )
        ctes = f"WITH direct AS ({direct}), by_site AS ({by_site}), found AS ({found})"
    else:
        ctes = f"WITH direct AS ({direct}), found AS ({found})"
    # The whole query first, then (for several words) how its first word matched.
    ranks = [
        _tier(dialect, key, shape) for key, shape in zip(("phrase", "first"), ranking, strict=False)
    ]
    order = ", ".join([*ranks, "c.name", "c.id"])
    return text(
        f"{ctes} SELECT {HIT_COLUMNS} FROM found JOIN customers AS c ON c.id = found.id"
        f" LEFT JOIN sites AS site ON site.id = found.site_id ORDER BY {order} LIMIT :limit"
    )


def search_statement(
    dialect: str, words: list[str], limit: int, prefix: str | None = None
) -> tuple[TextClause, dict[str, object]]:
    """The statement and parameters for `words` (folded, see `query_words`).

    A query without a word long enough for the trigram index reads names starting with
    `prefix`: the query lower-cased as typed (the name index is on `lower(name)`, so an accent
    typed at the start still finds its name), else the words.
    """
    long_words = [word for word in words if len(word) >= TRIGRAM]
    short_words = [word for word in words if len(word) < TRIGRAM]
    phrase = " ".join(words)
    params: dict[str, object] = {"limit": limit, **_tier_params("phrase", phrase)}
    ranking: tuple[TierShape, ...] = (TierShape.of(phrase),)
    if len(words) > 1:
        params.update(_tier_params("first", words[0]))
        ranking = (*ranking, TierShape.of(words[0]))
    alternatives: tuple[bool, ...] = ()
    if not long_words:
        start = prefix if prefix is not None else phrase
        params.update(low=start, high=start + "\U0010ffff")
        short_words = []
    elif dialect == "sqlite":
        terms = []
        for word in long_words:
            digits = _digit_alternative(word)
            term = fts_phrase(word)
            terms.append(term if digits is None else f"({term} OR {fts_phrase(digits)})")
        params["match"] = " AND ".join(terms)
        params.update({f"short{n}": f"%{escape_like(word)}%" for n, word in enumerate(short_words)})
    else:
        digit_forms = [_digit_alternative(word) for word in long_words]
        alternatives = tuple(digits is not None for digits in digit_forms)
        params.update(
            {
                f"word{n}": f"%{escape_like(word)}%"
                for n, word in enumerate(long_words + short_words)
            }
        )
        params.update(
            {f"digits{n}": f"%{digits}%" for n, digits in enumerate(digit_forms) if digits}
        )
    return _statement(dialect, len(long_words), len(short_words), alternatives, ranking), params


def search_customers(session: Session, query: str, limit: int = DEFAULT_LIMIT) -> list[CustomerHit]:
    """Customers matching every word of `query`, best first, each saying why it matched."""
    words = query_words(query)
    if not words:
        return []
    started = time.perf_counter()
    dialect = "sqlite" if session.get_bind().dialect.name == "sqlite" else "postgresql"
    typed_start = " ".join(query.lower().split()[:MAX_WORDS])
    statement, params = search_statement(dialect, words, limit, prefix=typed_start)
    rows = session.connection().execute(statement, params).all()
    log.debug(
        "search %r: %d hits in %.1f ms", query, len(rows), 1000 * (time.perf_counter() - started)
    )
    typed = Typed.of(words)
    return [_hit(row, typed) for row in rows]


@dataclass(frozen=True, slots=True)
class Typed:
    """The words of a query as "why" compares them: as typed, and the digits of phone-like ones."""

    words: tuple[str, ...]
    digits: tuple[str, ...]

    @classmethod
    def of(cls, words: list[str]) -> Typed:
        digits = (phone_digits(word) for word in words)
        return cls(tuple(words), tuple(form for form in digits if form))

    def found_in(self, value: str | None, phone: bool = False) -> bool:
        if not value:
            return False
        folded = fold(value)
        if any(word in folded for word in self.words):
            return True
        if phone and self.digits:
            bare = NOT_DIGITS.sub("", value)
            return any(form in bare for form in self.digits)
        return False


def why_matched(fields: dict[str, str | None], typed: Typed) -> list[str]:
    """The labels of `fields` (label to value, in the order they are told) holding a word."""
    return [
        label
        for label, value in fields.items()
        if typed.found_in(value, phone=label == PHONE_LABEL)
    ]


def _hit(row: Any, typed: Typed) -> CustomerHit:
    (customer_id, account, name, company, phone, city, street, site_id, site_name) = row[:9]
    site_street, site_postal, site_city, site_country = row[9:13]
    postal_code, country, phone_alt, email = row[13:17]
    if site_id is None:
        labels = why_matched(
            {
                "name": name,
                PHONE_LABEL: " ".join(part for part in (phone, phone_alt) if part),
                "account": account,
                "company": company,
                "street": street,
                "town": " ".join(part for part in (postal_code, city) if part),
                "email": email,
            },
            typed,
        )
        why = ", ".join(labels)
        site_address = None
    else:
        town = " ".join(part for part in (site_postal, site_city) if part)
        places = why_matched({site_name or "": site_name, site_street or "": site_street}, typed)
        if not places and town:
            places = [town]
        why = "site: " + ", ".join(places or [site_name or "unnamed site"])
        site_address = one_line_address(site_street, site_postal, site_city, site_country)
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
        site_address,
        postal_code,
        country,
        why,
    )
