"""`dispatch-console report referrals [--since DATE] [--until DATE] -o FILE`."""

from __future__ import annotations

import argparse
from pathlib import Path

from console.commands.common import CommandError, CommandParser, add_handler, database, iso_date
from console.services.briefing.page import default_page_size
from console.services.numbers.metrics import referral_metrics
from console.services.numbers.report import REPORT_SUFFIXES, write_report
from console.services.output_file import check_output_file
from console.services.transfer.table_file import FileProblem


def cmd_report(args: argparse.Namespace) -> int:
    if args.since and args.until and args.since > args.until:
        raise CommandError("--since must not be after --until")
    check_output_file(Path(args.output), REPORT_SUFFIXES)
    with database(args, FileProblem) as engine:
        with engine.connect() as connection:
            metrics = referral_metrics(connection, args.since, args.until)
        write_report(metrics, Path(args.output), default_page_size())
    print(f"wrote {args.output}: {int(metrics.totals['referrals'])} referrals")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    report = commands.add_parser("report", parents=[common], help="referral metrics per technician")
    kinds = report.add_subparsers(
        title="reports", metavar="REPORT", required=True, parser_class=CommandParser
    )
    referrals = kinds.add_parser(
        "referrals", parents=[common], help="referrals per technician and salesperson"
    )
    referrals.add_argument("--since", type=iso_date, metavar="DATE")
    referrals.add_argument("--until", type=iso_date, metavar="DATE")
    referrals.add_argument(
        "-o", "--output", required=True, metavar="FILE", help=".csv, .xlsx or .pdf"
    )
    add_handler(referrals, cmd_report)
