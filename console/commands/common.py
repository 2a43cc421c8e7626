"""What the subcommands share: opening the database, naming a customer, parsing values."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from console.database import display_url, make_engine, session_factory
from console.migrate import upgrade_database
from console.models import Customer
from console.services.customers import find_customers
from console.services.errors import Conflict, InputError
from console.services.search import search_customers

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A failure the user can act on; its message goes to stderr as it is."""


def open_database(args: argparse.Namespace) -> Engine:
    """The engine for `--database`, with the schema brought up to date."""
    engine = make_engine(args.database)
    try:
        upgrade_database(engine)
    except OperationalError as error:
        raise CommandError(
            f"cannot open {display_url(engine.url)}: {error.orig or error}"
        ) from None
    return engine


@contextmanager
def database(args: argparse.Namespace, *refusals: type[Exception]) -> Iterator[Engine]:
    """The command's engine; the given refusals become clear command errors."""
    engine = open_database(args)
    try:
        yield engine
    except refusals as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()


@contextmanager
def unit_of_work(args: argparse.Namespace) -> Iterator[Session]:
    """One transaction for one command; service refusals become clear command errors."""
    engine = open_database(args)
    try:
        with session_factory(engine).begin() as session:
            yield session
    except (InputError, Conflict) as error:
        raise CommandError(str(error)) from None
    finally:
        engine.dispose()


def resolve_customer(session: Session, key: str) -> Customer:
    """The one customer an account number, external id or name points at."""
    found = find_customers(session, key)
    if not found:
        hits = search_customers(session, key, limit=20)
        if len(hits) == 1:
            customer = session.get(Customer, hits[0].id)
            assert customer is not None
            return customer
        if not hits:
            raise CommandError(f"customer: no customer matches {key!r}")
        found = [customer for hit in hits if (customer := session.get(Customer, hit.id))]
    if len(found) > 1:
        lines = "\n".join(f"  {c.account_number}  {c.name}  {c.address}" for c in found)
        raise CommandError(
            f"customer: {key!r} matches several customers; use an account number:\n{lines}"
        )
    return found[0]


def local_datetime(text: str) -> dt.datetime:
    """An ISO date-time; without a zone it is the desk's local time."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date-time as YYYY-MM-DDTHH:MM"
        ) from None
    if value.tzinfo is None:
        value = value.astimezone()
    return value.astimezone(dt.UTC)


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def add_handler(parser: argparse.ArgumentParser, handler: Handler) -> None:
    parser.set_defaults(handler=handler)


def text_value(value: Any) -> str:
    return "" if value is None else str(value)


_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}
_CONTROL.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})


def printable(text: object) -> str:
    """Text from a file or the database, safe to print on a terminal.

    Control characters (an escape sequence in a header could recolour or clear the screen)
    are shown escaped, as `\\x1b`; everything else prints as it is.
    """
    return str(text).translate(_CONTROL)
