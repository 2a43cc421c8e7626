"""The text that customer search matches against (the customer and its sites), in one place.

SQLite keeps it in an FTS5 trigram table filled by triggers; PostgreSQL indexes the same
expression with pg_trgm. Queries and migrations both build it from here, so they cannot drift.
The text is folded (`text_fold`): lower case, accents dropped, so "zoe" finds "Zoë". On SQLite
the triggers call the fold function every console connection registers.
"""

from __future__ import annotations

from console.models.text_fold import SQLITE_FUNCTION, postgres_fold

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
    return f"{SQLITE_FUNCTION}(" + " || ' ' || ".join(parts) + ")"


def postgres_body(table: str = "customers") -> str:
    """The indexed expression on PostgreSQL; a query must spell it identically to use the index."""
    parts = [f"coalesce({table}.{column}, '')" for column in SEARCHED_COLUMNS]
    parts.append(f"regexp_replace(coalesce({table}.phone, ''), '[^0-9]', '', 'g')")
    parts.append(f"regexp_replace(coalesce({table}.phone_alt, ''), '[^0-9]', '', 'g')")
    return postgres_fold(" || ' ' || ".join(parts))


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


# Sites: a customer is found by any of its sites' names and addresses, the same way.
SITE_SEARCHED_COLUMNS = ("name", "street", "city", "postal_code")
SQLITE_SITE_SEARCH_TABLE = "site_search"
POSTGRES_SITE_SEARCH_INDEX = "ix_sites_search_trgm"


def sqlite_site_body(row: str) -> str:
    """The searched text for a site row (`new`, `old` or a table alias) on SQLite."""
    parts = [f"coalesce({row}.{column}, '')" for column in SITE_SEARCHED_COLUMNS]
    return f"{SQLITE_FUNCTION}(" + " || ' ' || ".join(parts) + ")"


def postgres_site_body(table: str = "sites") -> str:
    """The indexed expression over a site on PostgreSQL; queries spell it identically."""
    parts = [f"coalesce({table}.{column}, '')" for column in SITE_SEARCHED_COLUMNS]
    return postgres_fold(" || ' ' || ".join(parts))


def sqlite_site_ddl() -> list[str]:
    body_new = sqlite_site_body("new")
    table = SQLITE_SITE_SEARCH_TABLE
    return [
        f"CREATE VIRTUAL TABLE {table} USING fts5(body, tokenize='trigram')",
        f"""CREATE TRIGGER sites_search_insert AFTER INSERT ON sites BEGIN
            INSERT INTO {table}(rowid, body) VALUES (new.id, {body_new});
        END""",
        f"""CREATE TRIGGER sites_search_update AFTER UPDATE ON sites BEGIN
            UPDATE {table} SET body = {body_new} WHERE rowid = new.id;
        END""",
        f"""CREATE TRIGGER sites_search_delete AFTER DELETE ON sites BEGIN
            DELETE FROM {table} WHERE rowid = old.id;
        END""",
        f"INSERT INTO {table}(rowid, body) SELECT s.id, {sqlite_site_body('s')} FROM sites AS s",
    ]


def postgres_site_ddl() -> list[str]:
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        f"CREATE INDEX {POSTGRES_SITE_SEARCH_INDEX} ON sites "
        f"USING gin (({postgres_site_body()}) gin_trgm_ops)",
    ]


def _drop(dialect: str, table: str, sqlite_table: str, postgres_index: str) -> list[str]:
    """Statements that take `table`'s search text away: its triggers and table, or its index."""
    if dialect == "sqlite":
        triggers = [
            f"DROP TRIGGER IF EXISTS {table}_search_{t}" for t in ("insert", "update", "delete")
        ]
        return [*triggers, f"DROP TABLE IF EXISTS {sqlite_table}"]
    return [f"DROP INDEX IF EXISTS {postgres_index}"]


def site_search_drop(dialect: str) -> list[str]:
    return _drop(dialect, "sites", SQLITE_SITE_SEARCH_TABLE, POSTGRES_SITE_SEARCH_INDEX)


def search_drop(dialect: str) -> list[str]:
    return _drop(dialect, "customers", SQLITE_SEARCH_TABLE, POSTGRES_SEARCH_INDEX)
