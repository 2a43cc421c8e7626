"""`dispatch-console briefing CUSTOMER -o FILE.pdf` and `briefing --date DAY -o DIR`.

A customer's sheet is for their next sales appointment when one is booked; writing it records
on that referral's timeline that the briefing was printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console.commands.common import (
    CommandError,
    add_handler,
    iso_date,
    open_database,
    resolve_customer,
)
from console.database import session_factory
from console.desk_user import desk_user
from console.services.appointments import appointment_to_brief, mark_briefing_printed
from console.services.briefing.batch import write_day_briefings
from console.services.briefing.content import briefing_content
from console.services.briefing.page import PageSize, default_page_size
from console.services.briefing.render import render_briefing
from console.services.output_file import atomic_output, check_output_file


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
    out_dir = Path(args.output)
    if out_dir.exists() and not out_dir.is_dir():
        raise CommandError(
            f"-o: {out_dir} is a file; --date writes one PDF per appointment into a folder"
        )
    engine = open_database(args)
    try:
        result = write_day_briefings(
            session_factory(engine), args.date, out_dir, page_size=page_size, combined=args.combined
        )
    finally:
        engine.dispose()
    for path in result.files:
        print(path)
    print(f"{result.appointments} sales appointment(s) on {args.date}", file=sys.stderr)
    return 0


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
        "--combined", action="store_true", help="with --date: one PDF for the whole day"
    )
    add_handler(briefing, cmd_briefing)
