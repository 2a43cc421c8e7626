"""`dispatch-console outbox [--retry] [--format table|csv]`: what waits, what went, what failed."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys

from console.commands.common import (
    CommandError,
    add_handler,
    add_smtp_option,
    database,
    mail_server,
    printable,
    unit_of_work,
)
from console.database import session_factory
from console.desk_user import desk_user
from console.models import OutboxMessage, OutboxState, Referral
from console.services.messages.outbox import OutboxRow, outbox_rows, retry_messages, send_due
from console.services.messages.tell_tech import compose, queue_tell_tech
from console.services.transfer.formulas import protect

COLUMNS = (
    "id",
    "state",
    "kind",
    "to",
    "subject",
    "attempts",
    "created_at",
    "sent_at",
    "next_attempt_at",
    "reason",
    "referral_id",
    "message_id",
)
SHOWN = ("id", "state", "kind", "to", "subject", "attempts", "reason")
WIDTH = 40


def _moment(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _row(row: OutboxRow) -> dict[str, str]:
    return {
        "id": str(row.id),
        "state": row.state.value,
        "kind": row.kind,
        "to": row.to,
        "subject": row.subject,
        "attempts": str(row.attempts),
        "created_at": _moment(row.created_at),
        "sent_at": _moment(row.sent_at),
        "next_attempt_at": _moment(row.next_attempt_at),
        "reason": row.reason,
        "referral_id": str(row.referral_id or ""),
        "message_id": row.message_id,
    }


def cmd_outbox(args: argparse.Namespace) -> int:
    server = mail_server(args) if args.retry else None
    if args.retry:
        with unit_of_work(args) as session:
            again = retry_messages(session)
        print(f"{again} failed message{'s' if again != 1 else ''} queued again", file=sys.stderr)
        if server is None:
            print(
                "no mail server is set up (--smtp, CONSOLE_SMTP_URL or Preferences); "
                "the messages wait in the outbox",
                file=sys.stderr,
            )
        else:
            with database(args) as engine:
                report = send_due(engine, server)
            print(printable(f"{server.display()}: {report.summary}"), file=sys.stderr)
    with database(args) as engine, session_factory(engine)() as session:
        rows = [_row(row) for row in outbox_rows(session)]
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([[protect(row[column]) for column in COLUMNS] for row in rows])
        return 0
    table = [list(SHOWN)] + [[printable(row[column]) for column in SHOWN] for row in rows]
    widths = [min(max(len(line[i]) for line in table), WIDTH) for i in range(len(SHOWN))]
    for line in table:
        cells = [cell[:WIDTH].ljust(width) for cell, width in zip(line, widths, strict=True)]
        print("  ".join(cells).rstrip())
    print(f"{len(rows)} message{'s' if len(rows) != 1 else ''}", file=sys.stderr)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    outbox = commands.add_parser(
        "outbox", parents=[common], help="messages queued, sent and failed, with the reasons"
    )
    outbox.add_argument(
        "--retry", action="store_true", help="queue failed messages again and send what is due"
    )
    outbox.add_argument("--format", choices=("table", "csv"), default="table")
    add_smtp_option(outbox)
    add_handler(outbox, cmd_outbox)


def send_tell_tech(args: argparse.Namespace) -> int:
    """`referral tell-tech ID --send`: record the step, queue the office's message with it in
    one transaction, then hand it to the mail server. A message the server cannot take now
    waits in the outbox and is retried; the step stays recorded."""
    server = mail_server(args)
    if server is None:
        raise CommandError(
            "no mail server is set up: give --smtp URL, set CONSOLE_SMTP_URL, "
            "or choose one in Preferences"
        )
    with unit_of_work(args) as session:
        message = compose(session, args.id)
        queued = queue_tell_tech(
            session, message, desk_user(), thanked=args.thanked, note=args.note
        )
        thanked = bool(session.get_one(Referral, args.id).tech_thanked)
    told = f"referral {args.id}: {message.technician} told{' and thanked' if thanked else ''}"
    with database(args) as engine:
        report = send_due(engine, server)
        with session_factory(engine)() as session:
            row = session.get_one(OutboxMessage, queued)
            state, reason = row.state, row.last_error or ""
    if state is OutboxState.SENT:
        print(printable(f"{told}; message sent to {message.to}"))
        return 0
    if state is OutboxState.FAILED:
        raise CommandError(
            f"{told}, but the message to {message.to} was refused: {reason}; "
            "see `dispatch-console outbox`"
        )
    print(printable(f"{told}; the message to {message.to} waits in the outbox"))
    print(
        printable(
            f"not sent yet: {reason or report.summary}; it is retried by the window or by "
            "`dispatch-console outbox --retry`"
        ),
        file=sys.stderr,
    )
    return 0
