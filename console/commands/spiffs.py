"""`dispatch-console spiffs ledger [--since DATE] [--until DATE] [-o FILE]`: the spiff ledger
for payroll; `spiffs work-completed ID`: the sold work is done (a spiff stage);
`spiffs cancel-sale ID`: a won sale fell through (its spiffs may be clawed back)."""

from __future__ import annotations

import argparse
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from console.commands.common import (
    CommandError,
    CommandParser,
    add_handler,
    database,
    iso_date,
    printable,
    record_id,
    unit_of_work,
)
from console.database import session_factory
from console.models import SpiffEntryKind
from console.services.office.settings import load_office_settings
from console.services.output_file import check_output_file
from console.services.referrals.lifecycle import cancel_sale
from console.services.spiffs import ledger_rows, mark_work_completed
from console.services.spiffs.export import LEDGER_SUFFIXES, ledger_record, write_ledger
from console.services.transfer.table_file import FileProblem

TABLE_COLUMNS = (
    ("recorded_at", "recorded"),
    ("technician", "technician"),
    ("referral_id", "referral"),
    ("customer", "customer"),
    ("kind", "kind"),
    ("amount", "amount"),
    ("terms", "terms"),
)
WIDEST = 40
ACTOR = "command line"


def cmd_ledger(args: argparse.Namespace) -> int:
    if args.since and args.until and args.since > args.until:
        raise CommandError("--since must not be after --until")
    if args.output:
        check_output_file(Path(args.output), LEDGER_SUFFIXES)
    with database(args, FileProblem) as engine, session_factory(engine)() as session:
        load_office_settings(session)  # days are the office's days
        rows = ledger_rows(session, args.since, args.until)
        if args.output:
            write_ledger(rows, Path(args.output))
            print(f"wrote {args.output}: {len(rows)} entr{'y' if len(rows) == 1 else 'ies'}")
            return 0
    records = [ledger_record(row) for row in rows]
    table = [[heading for _name, heading in TABLE_COLUMNS]] + [
        [
            f"{record[name]:.2f}" if name == "amount" else printable(record[name])
            for name, _heading in TABLE_COLUMNS
        ]
        for record in records
    ]
    widths = [min(max(len(line[i]) for line in table), WIDEST) for i in range(len(TABLE_COLUMNS))]
    amount_at = [name for name, _heading in TABLE_COLUMNS].index("amount")
    for line in table:
        cells = [
            cell[:WIDEST].rjust(width) if i == amount_at else cell[:WIDEST].ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
    sums: dict[SpiffEntryKind, Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[row.kind] += row.amount
    print(
        f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}: "
        + ", ".join(f"{kind.label.lower()} ${sums[kind]:,.2f}" for kind in SpiffEntryKind)
    )
    return 0


def cmd_work_completed(args: argparse.Namespace) -> int:
    with unit_of_work(args) as session:
        made = mark_work_completed(session, args.id, ACTOR)
        earned = sum((entry.amount for entry in made), Decimal(0))
    print(f"referral {args.id}: work completed; spiffs earned ${earned:,.2f}")
    return 0


def cmd_cancel_sale(args: argparse.Namespace) -> int:
    with unit_of_work(args) as session:
        referral = cancel_sale(session, args.id, ACTOR, args.note)
        left = referral.spiff_amount
    kept = f"; its spiffs now stand at ${left:,.2f}" if left is not None else ""
    print(f"referral {args.id}: sale cancelled{kept}")
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    spiffs = commands.add_parser("spiffs", parents=[common], help="technicians' spiffs")
    actions = spiffs.add_subparsers(
        title="spiff commands", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    ledger = actions.add_parser(
        "ledger",
        parents=[common],
        help="every spiff accrued, clawed back and paid, for payroll",
    )
    ledger.add_argument("--since", type=iso_date, metavar="DATE", help="from this office day")
    ledger.add_argument("--until", type=iso_date, metavar="DATE", help="through this office day")
    ledger.add_argument(
        "-o", "--output", metavar="FILE", help=".csv or .xlsx; without it, a table on the screen"
    )
    add_handler(ledger, cmd_ledger)

    done = actions.add_parser(
        "work-completed",
        parents=[common],
        help="the sold work of a won referral is done: pays the work-completed spiffs",
    )
    done.add_argument("id", type=record_id, metavar="ID", help="the referral's id")
    add_handler(done, cmd_work_completed)

    cancel = actions.add_parser(
        "cancel-sale",
        parents=[common],
        help="a won sale fell through: the referral is cancelled, its spiffs clawed back "
        "within the office's clawback days",
    )
    cancel.add_argument("id", type=record_id, metavar="ID", help="the referral's id")
    cancel.add_argument("--note", metavar="TEXT", help="why, for the referral's history")
    add_handler(cancel, cmd_cancel_sale)
