"""The text that customer search matches against, kept in one place for both backends.

SQLite keeps it in an FTS5 trigram table filled by triggers; PostgreSQL indexes the same
expression with pg_trgm. Queries and migrations both build it from here, so they cannot drift.
"""

from __future__ import annotations

SEARCHED_COLUMNS = (
    "name",
    "company",
    "account_number",
    "phone",
    "phone_alt",
    "email",
    "street",
    "city",
    "postal_code",
)
SQLITE_SEARCH_TABLE = "customer_search"
POSTGRES_SEARCH_INDEX = "ix_customers_search_trgm"


def _sqlite_digits(column: str) -> str:
    expr = f"coalesce({column}, '')"
    for char in ("-", " ", "(", ")", ".", "+", "/"):
        expr = f"replace({expr}, '{char}', '')"
    return expr


def sqlite_body(row: str) -> str:
    """The searched text for a customer row (`new`, `old` or a table alias) on SQLite."""
    parts = [f"coalesce({row}.{column}, '')" for column in SEARCHED_COLUMNS]
    parts.append(_sqlite_digits(f"{row}.phone"))
    parts.append(_sqlite_digits(f"{row}.phone_alt"))
    return " || ' ' || ".join(parts)


def postgres_body(table: str = "customers") -> str:
    """The indexed expression on PostgreSQL; a query must spell it identically to use the index."""
    parts = [f"coalesce({table}.{column}, '')" for column in SEARCHED_COLUMNS]
    parts.append(f"regexp_replace(coalesce({table}.phone, ''), '[^0-9]', '', 'g')")
    parts.append(f"regexp_replace(coalesce({table}.phone_alt, ''), '[^0-9]', '', 'g')")
    return "lower(" + " || ' ' || ".join(parts) + ")"


def sqlite_ddl() -> list[str]:
    body_new = sqlite_body("new")
    return [
        f"CREATE VIRTUAL TABLE {SQLITE_SEARCH_TABLE} USING fts5(body, tokenize='trigram')",
        f"""CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
            INSERT INTO {SQLITE_SEARCH_TABLE}(rowid, body) VALUES (new.id, {body_new});
        END""",
        f"""CREATE TRIGGER customers_search_update AFTER UPDATE ON customers BEGIN
            UPDATE {SQLITE_SEARCH_TABLE} SET body = {body_new} WHERE rowid = new.id;
        END""",
        f"""CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
            DELETE FROM {SQLITE_SEARCH_TABLE} WHERE rowid = old.id;
        END""",
        f"INSERT INTO {SQLITE_SEARCH_TABLE}(rowid, body) "
        f"SELECT c.id, {sqlite_body('c')} FROM customers AS c",
    ]


def postgres_ddl() -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX {POSTGRES_SEARCH_INDEX} ON customers "
        f"USING gin (({postgres_body()}) gin_trgm_ops)",
    ]
