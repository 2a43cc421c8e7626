"""`dispatch-console briefing CUSTOMER -o FILE.pdf`, `briefing --date DAY -o DIR` and
`briefing --date DAY --combined -o FILE.pdf`.

A customer's sheet is for their next sales appointment when one is booked; writing it records
on that referral's timeline that the briefing was printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from console.commands.common import (
    CommandError,
    add_handler,
    iso_date,
    open_database,
    resolve_customer,
)
from console.database import session_factory
from console.desk_user import desk_user
from console.services.briefing.batch import BatchResult, write_day_briefings
from console.services.briefing.content import briefing_content
from console.services.briefing.page import PageSize, default_page_size
from console.services.briefing.render import render_briefing
from console.services.output_file import OutputProblem, atomic_output, check_output_file
from console.services.schedule.appointments import appointment_to_brief, mark_briefing_printed


def cmd_briefing(args: argparse.Namespace) -> int:
    page_size = PageSize(args.page_size) if args.page_size else default_page_size()
    if args.date is not None:
        if args.customer:
            raise CommandError("give either CUSTOMER or --date, not both")
        return _day_briefings(args, page_size)
    if not args.customer:
        raise CommandError("name a CUSTOMER, or give --date YYYY-MM-DD")
    output = check_output_file(Path(args.output), (".pdf",))
    engine = open_database(args)
    try:
        sessions = session_factory(engine)
        with sessions() as session:
            customer = resolve_customer(session, args.customer)
            appointment_id = appointment_to_brief(session, customer.id)
            content = briefing_content(session, customer.id, appointment_id=appointment_id)
        with atomic_output(output, (".pdf",)) as partial:
            partial.write_bytes(render_briefing(content, page_size))
        if appointment_id is not None:
            with sessions.begin() as session:
                mark_briefing_printed(session, [appointment_id], desk_user())
    finally:
        engine.dispose()
    print(output)
    return 0


def _day_briefings(args: argparse.Namespace, page_size: PageSize) -> int:
    output = Path(args.output)
    names_a_pdf = output.suffix.lower() == ".pdf" and not output.is_dir()
    if names_a_pdf and not args.combined:
        raise CommandError(
            "-o names a folder for one PDF per appointment; add --combined for one file"
        )
    if not names_a_pdf and output.exists() and not output.is_dir():
        raise CommandError(
            f"-o: {output} is a file; --date writes one PDF per appointment into a folder"
        )
    engine = open_database(args)
    try:
        sessions = session_factory(engine)
        if names_a_pdf:
            result = _combined_into_file(sessions, args.date, output, page_size)
        else:
            result = write_day_briefings(
                sessions, args.date, output, page_size=page_size, combined=args.combined
            )
    finally:
        engine.dispose()
    for path in result.files:
        print(path)
    print(f"{result.appointments} sales appointment(s) on {args.date}", file=sys.stderr)
    return 0


def _combined_into_file(
    sessions: sessionmaker[Session], day: dt.date, output: Path, page_size: PageSize
) -> BatchResult:
    """The day's combined briefing written to the file the user named.

    The batch writes into a scratch folder beside the target, so the finished file is renamed
    into place whole and the user's folder never holds a partial one.
    """
    check_output_file(output, (".pdf",))
    with tempfile.TemporaryDirectory(prefix=".briefings-", dir=output.parent) as scratch:
        result = write_day_briefings(
            sessions, day, Path(scratch), page_size=page_size, combined=True
        )
        if result.files:
            try:
                os.replace(result.files[0], output)
            except OSError as error:
                raise OutputProblem(
                    f"{output}: cannot write the file ({error.strerror or type(error).__name__})"
                ) from None
            result.files = [output]
    return result


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    briefing = commands.add_parser(
        "briefing", parents=[common], help="print sales briefing sheets (PDF)"
    )
    briefing.add_argument(
        "customer", nargs="?", metavar="CUSTOMER", help="account number, external id or name"
    )
    briefing.add_argument(
        "--date", type=iso_date, metavar="YYYY-MM-DD", help="every sales appointment that day"
    )
    briefing.add_argument("-o", "--output", required=True, metavar="FILE_OR_DIR")
    briefing.add_argument("--page-size", choices=[size.value for size in PageSize])
    briefing.add_argument(
        "--combined",
        action="store_true",
        help="with --date: one PDF for the whole day (-o FILE.pdf, or a folder)",
    )
    add_handler(briefing, cmd_briefing)
