"""customer search compares text without accents: "zoe" finds "Zoë"

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

The searched text of customers and sites is folded (lower case, accents dropped) in the SQLite
search tables and in the PostgreSQL trigram indexes, which are built again from it. The
downgrade builds them as they were, from lower-cased text.
"""

from collections.abc import Sequence

from alembic import op

from console.models.search_index import (
    POSTGRES_SEARCH_INDEX,
    POSTGRES_SITE_SEARCH_INDEX,
    SEARCHED_COLUMNS,
    SITE_SEARCHED_COLUMNS,
    SQLITE_SEARCH_TABLE,
    SQLITE_SITE_SEARCH_TABLE,
    postgres_ddl,
    postgres_site_ddl,
    search_drop,
    site_search_drop,
    sqlite_ddl,
    sqlite_site_ddl,
)

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(statements: list[str]) -> None:
    dialect = op.get_bind().dialect.name
    for statement in [*search_drop(dialect), *site_search_drop(dialect), *statements]:
        op.execute(statement)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild([*sqlite_ddl(), *sqlite_site_ddl()])
    else:
        _rebuild([*postgres_ddl(), *postgres_site_ddl()])


# -- the search text as 0012 had it, lower-cased only ------------------------------------------


def _joined(row: str, columns: Sequence[str], extra: Sequence[str] = ()) -> str:
    return " || ' ' || ".join([*(f"coalesce({row}.{c}, '')" for c in columns), *extra])


def _sqlite_digits(column: str) -> str:
    expr = f"coalesce({column}, '')"
    for char in ("-", " ", "(", ")", ".", "+", "/"):
        expr = f"replace({expr}, '{char}', '')"
    return expr


def _sqlite_unfolded(table: str, fts: str, prefix: str, body: str, source: str) -> list[str]:
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(body, tokenize='trigram')",
        f"""CREATE TRIGGER {prefix}_search_insert AFTER INSERT ON {table} BEGIN
            INSERT INTO {fts}(rowid, body) VALUES (new.id, {body.format(row="new")});
        END""",
        f"""CREATE TRIGGER {prefix}_search_update AFTER UPDATE ON {table} BEGIN
            UPDATE {fts} SET body = {body.format(row="new")} WHERE rowid = new.id;
        END""",
        f"""CREATE TRIGGER {prefix}_search_delete AFTER DELETE ON {table} BEGIN
            DELETE FROM {fts} WHERE rowid = old.id;
        END""",
        f"INSERT INTO {fts}(rowid, body) SELECT {source}.id, {body.format(row=source)}"
        f" FROM {table} AS {source}",
    ]


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        digits = (_sqlite_digits("{row}.phone"), _sqlite_digits("{row}.phone_alt"))
        customer = _joined("{row}", SEARCHED_COLUMNS, digits)
        site = _joined("{row}", SITE_SEARCHED_COLUMNS)
        _rebuild(
            [
                *_sqlite_unfolded("customers", SQLITE_SEARCH_TABLE, "customers", customer, "c"),
                *_sqlite_unfolded("sites", SQLITE_SITE_SEARCH_TABLE, "sites", site, "s"),
            ]
        )
        return
    numbers = [
        f"regexp_replace(coalesce(customers.{c}, ''), '[^0-9]', '', 'g')"
        for c in ("phone", "phone_alt")
    ]
    customer = "lower(" + _joined("customers", SEARCHED_COLUMNS, numbers) + ")"
    site = "lower(" + _joined("sites", SITE_SEARCHED_COLUMNS) + ")"
    _rebuild(
        [
            f"CREATE INDEX {POSTGRES_SEARCH_INDEX} ON customers USING gin (({customer})"
            " gin_trgm_ops)",
            f"CREATE INDEX {POSTGRES_SITE_SEARCH_INDEX} ON sites USING gin (({site}) gin_trgm_ops)",
        ]
    )
