"""A PostgreSQL schema of the benchmark's own: created, migrated and seeded directly, then
dropped, with any session the window left behind ended first so nothing holds its locks."""

from __future__ import annotations

import random
import time
import uuid

from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import URL, make_url

from bench.proxy import LinkProxy

NAMES_NEEDED = 12
TRIGRAM_WAIT_S = 30.0
TRIGRAM_HOME = text(
    "SELECT n.nspname FROM pg_extension AS e JOIN pg_namespace AS n ON n.oid = e.extnamespace"
    " WHERE e.extname = 'pg_trgm'"
)


class ScratchOffice:
    """A schema of its own on the server, seeded directly (never through the proxy)."""

    def __init__(self, url: str) -> None:
        self.base = make_url(url)
        if self.base.get_backend_name() != "postgresql":
            raise SystemExit("the stall benchmark needs a PostgreSQL URL: the link is the point")
        self.base = self.base.set(drivername="postgresql+psycopg")  # the console's own driver
        self.schema = f"stall_{uuid.uuid4().hex[:10]}"
        self.tag = f"dispatch-stall-{self.schema}"
        self.url = self.base.update_query_dict(
            {"options": f"-csearch_path={self.schema},public", "application_name": self.tag}
        )
        self.admin = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.created = False

    def create(self, customers: int) -> list[str]:
        """The schema, migrated and seeded; returns customer names a person could type."""
        from console.database import make_engine
        from console.migrate import upgrade_database
        from console.models import Customer
        from console.services.demo import seed_demo

        self._trigram_in_public()
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE SCHEMA {self.schema}"))
        self.created = True
        engine = make_engine(render(self.url))
        try:
            upgrade_database(engine)
            seed_demo(engine, customers=customers, seed=2026)
            with engine.connect() as connection:
                names = list(connection.execute(select(Customer.name)).scalars())
        finally:
            engine.dispose()
        unique = sorted(name for name in set(names) if names.count(name) == 1 and name.isascii())
        if len(unique) < NAMES_NEEDED:
            raise SystemExit(f"{customers} customers are too few for the script: use 100 or more")
        return random.Random(5).sample(unique, NAMES_NEEDED)

    def _trigram_in_public(self) -> None:
        """pg_trgm must live in `public`: the migration's `CREATE EXTENSION IF NOT EXISTS` would
        put it in this run's own schema, and a run's schema dropped with CASCADE takes the
        extension (and every other schema's search index) with it."""
        deadline = time.monotonic() + TRIGRAM_WAIT_S
        with self.admin.connect() as connection:
            while (home := connection.execute(TRIGRAM_HOME).scalar()) not in (None, "public"):
                if time.monotonic() > deadline:
                    raise SystemExit(
                        f"pg_trgm is installed in schema {home}, which this run cannot use;"
                        " move it with: ALTER EXTENSION pg_trgm SET SCHEMA public"
                    )
                time.sleep(0.5)  # another run's schema holds it; it goes when that run ends
            if home is None:
                connection.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))

    def through(self, proxy: LinkProxy) -> str:
        return render(self.url.set(host="127.0.0.1", port=proxy.port))

    def drop(self) -> None:
        """End any session left behind by the window, then drop its schema."""
        if not self.created:
            return
        with self.admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE application_name = :tag"
                ),
                {"tag": self.tag},
            )
            connection.execute(text("SET lock_timeout = '10s'"))
            connection.execute(text(f"DROP SCHEMA IF EXISTS {self.schema} CASCADE"))
        self.created = False
        self.admin.dispose()


def render(url: URL) -> str:
    return url.render_as_string(hide_password=False)
