"""What the subcommands share: opening the database, naming a customer, parsing values."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from console.credentials import redact
from console.database import display_url, make_engine, session_factory
from console.migrate import upgrade_database
from console.models import Customer
from console.services.customers.customer_360 import find_customers
from console.services.customers.search import search_customers
from console.services.errors import Conflict, InputError
from console.services.messages.smtp_url import SmtpServer, parse_smtp_url, resolve_smtp_url
from console.services.office.clock import office_zone
from console.services.office.settings import use_office_zone

Handler = Callable[[argparse.Namespace], int]
PROG = "dispatch-console"
# Dates a desk can mean; anything else is a typing slip (and year 1 or 9999 overflows on the
# way to UTC).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
MAX_ID = 2**31 - 1  # ids are INTEGER columns on PostgreSQL


class CommandError(Exception):
    """A failure the user can act on; its message goes to stderr as it is."""


class CommandParser(argparse.ArgumentParser):
    """An argument parser that answers a bad command line in one line and exit status 1.

    argparse's own answer is a usage block and exit status 2; the console promises 0 or 1.
    """

    def error(self, message: str) -> NoReturn:
        command = self.prog if self.prog.startswith(PROG) else PROG
        say(f"{message} (see {command} --help)")
        raise SystemExit(1)


def say(message: str) -> None:
    """A message on stderr: passwords blanked, control characters shown escaped."""
    first, *more = redact(message).split("\n")
    print("\n".join([f"{PROG}: {printable(first)}", *map(printable, more)]), file=sys.stderr)


def upgraded_database(args: argparse.Namespace) -> tuple[Engine, bool]:
    """The engine for `--database` with the schema brought up to date, and whether it changed.

    A URL or file the console cannot use raises DatabaseProblem, which the command line
    reports in one line; a server that does not answer becomes a CommandError.
    """
    engine = make_engine(args.database)
    try:
        changed = upgrade_database(engine)
    except DBAPIError as error:
        engine.dispose()
        raise CommandError(
            f"cannot open {display_url(engine.url)}: {database_reason(error)}"
        ) from None
    except BaseException:
        engine.dispose()
        raise
    with session_factory(engine)() as session:
        use_office_zone(session)
    return engine, changed


def database_reason(error: DBAPIError) -> str:
    """The first line of what the database driver said, which is the part that explains."""
    lines = str(error.orig or error).strip().splitlines()
    return lines[0] if lines else type(error.orig or error).__name__


def open_database(args: argparse.Namespace) -> Engine:
    """The engine for `--database`, with the schema brought up to date."""
    return upgraded_database(args)[0]


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
            raise CommandError(f"customer: no customer matches {quoted(key)}")
        found = [customer for hit in hits if (customer := session.get(Customer, hit.id))]
    if len(found) > 1:
        lines = "\n".join(
            f"  {printable(c.account_number)}  {printable(c.name)}  {printable(c.address)}"
            for c in found
        )
        raise CommandError(
            f"customer: {quoted(key)} matches several customers; use an account number:\n{lines}"
        )
    return found[0]


def _in_range(value: dt.date, text: str) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}"
        )


def local_datetime(text: str) -> dt.datetime:
    """An ISO date-time; without a zone it is the office's local time."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is not a date-time as YYYY-MM-DDTHH:MM"
        ) from None
    _in_range(value.date(), text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=office_zone())
    try:
        moment = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}"
        ) from None
    _in_range(moment.date(), text)
    return moment


def iso_date(text: str) -> dt.date:
    """A calendar date as YYYY-MM-DD, within the years the office can mean."""
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not a date as YYYY-MM-DD") from None
    _in_range(value, text)
    return value


def record_id(text: str) -> int:
    """A record's id as typed: a positive whole number within what the database stores."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not an id (a whole number)") from None
    if not 0 < value <= MAX_ID:
        raise argparse.ArgumentTypeError(f"{quoted(text)} is not an id (too large or not positive)")
    return value


def limited_text(column: Any) -> Callable[[str], str]:
    """An argument type for text stored in `column`, refused when longer than it holds."""
    limit: int = column.type.length

    def text(value: str) -> str:
        if len(value) > limit:
            raise argparse.ArgumentTypeError(f"at most {limit} characters, not {len(value)}")
        return value

    return text


def add_handler(parser: argparse.ArgumentParser, handler: Handler) -> None:
    parser.set_defaults(handler=handler)


def add_smtp_option(parser: argparse.ArgumentParser) -> None:
    """`--smtp URL` on a command that sends mail."""
    parser.add_argument(
        "--smtp",
        metavar="URL",
        help="mail server, e.g. smtp://user@mail.example.com:587?security=starttls "
        "(default: $CONSOLE_SMTP_URL, then Preferences)",
    )


def mail_server(args: argparse.Namespace) -> SmtpServer | None:
    """The mail server chosen by `--smtp`, then the environment, then Preferences, with its
    kept password; None when none is set up. A URL it cannot use is a clear command error."""
    from console.services.messages.smtp_password import with_password  # loads the keyring

    try:
        url = resolve_smtp_url(getattr(args, "smtp", None))
        return with_password(parse_smtp_url(url)) if url else None
    except InputError as error:
        raise CommandError(str(error)) from None


def text_value(value: Any) -> str:
    return "" if value is None else str(value)


_CONTROL = {code: f"\\x{code:02x}" for code in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}
_CONTROL.update({ord("\t"): "\\t", ord("\n"): "\\n", ord("\r"): "\\r"})


def quoted(text: object) -> str:
    """A value as a message quotes it: in single quotes, control characters escaped once."""
    return f"'{printable(text)}'"


def printable(text: object) -> str:
    """Text from a file or the database, safe to print on a terminal.

    Control characters (an escape sequence in a header could recolour or clear the screen)
    are shown escaped, as `\\x1b`; everything else prints as it is.
    """
    return str(text).translate(_CONTROL)
