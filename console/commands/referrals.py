"""`dispatch-console referral add | move | attempt | tell-tech | list` and `note add`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys

from console.commands import calendar, outbox
from console.commands.common import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    CommandError,
    CommandParser,
    add_handler,
    add_smtp_option,
    iso_date,
    limited_text,
    local_datetime,
    printable,
    quoted,
    record_id,
    resolve_customer,
    text_value,
    unit_of_work,
)
from console.desk_user import desk_user
from console.models import ContactChannel, ReferralStatus, StaffRole, UpsellNote, Urgency
from console.services.customers.notes import add_note
from console.services.office.staff import find_staff
from console.services.referrals.assignment import creation_message
from console.services.referrals.contact_attempts import (
    as_row,
    attempt_summaries,
    record_attempt,
)
from console.services.referrals.due_words import due_in_words
from console.services.referrals.lifecycle import (
    StepDetails,
    create_referral,
    move_referral,
    tell_tech,
)
from console.services.referrals.worklists import WorkItem, Worklist, worklist
from console.services.schedule.appointments import set_booking_details
from console.services.schedule.equipment_life import headsup_equipment
from console.services.transfer.formulas import protect

LIST_COLUMNS = (
    "id",
    "status",
    "customer",
    "technician",
    "salesperson",
    "created_at",
    "pain_point",
    "urgency",
    "estimated_value",
    "overdue",
    "first_contact_at",
    "appointment_at",
    "follow_up_on",
    "attempts",
    "last_attempt_at",
    "next_try_at",
    "due",
    "due_at",
    "due_in_words",
    "category",
    "assignment",
)


def cmd_referral_add(args: argparse.Namespace) -> int:
    with unit_of_work(args) as session:
        customer = resolve_customer(session, args.customer)
        prompted_by = headsup_equipment(session, args.prompted_by) if args.prompted_by else None
        referral = create_referral(
            session,
            customer_id=customer.id,
            technician=args.technician,
            pain_point=args.pain_point,
            recommendation=args.recommendation,
            equipment_id=args.equipment,
            urgency=args.urgency,
            estimated_value=args.estimated_value,
            salesperson=args.salesperson,
            prompted_by_equipment_id=prompted_by,
            category=args.category,
            continues_referral_id=args.continues,
            actor=desk_user(),
        )
        referral_id = referral.id
        assigned = creation_message(session, referral)
    print(referral_id)
    if assigned:
        print(assigned, file=sys.stderr)
    return 0


def cmd_referral_move(args: argparse.Namespace) -> int:
    details = StepDetails(
        salesperson=args.salesperson,
        appointment_at=args.at,
        value=args.value,
        reason=args.reason,
        follow_up_on=args.follow_up,
        note=args.note,
    )
    booking = args.minutes is not None or args.appointment_note is not None
    if booking and args.status != ReferralStatus.APPOINTMENT_SET.value:
        raise CommandError("--minutes and --appointment-note are for the appointment_set step")
    with unit_of_work(args) as session:
        referral = move_referral(session, args.id, args.status, desk_user(), details)
        status = referral.status.value
        if referral.status is ReferralStatus.APPOINTMENT_SET:
            set_booking_details(session, referral.id, args.minutes, args.appointment_note)
    print(f"referral {args.id}: {status}")
    return 0


def wall_clock(text: str) -> dt.datetime:
    """An ISO date-time as typed; without a zone it stays naive, to be read on the office's
    clock once the office's settings are loaded."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is not a date-time as YYYY-MM-DDTHH:MM"
        ) from None
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise argparse.ArgumentTypeError(
            f"{quoted(text)} is outside the years {EARLIEST_YEAR} to {LATEST_YEAR}"
        )
    return value


def cmd_referral_attempt(args: argparse.Namespace) -> int:
    with unit_of_work(args) as session:
        attempt = record_attempt(
            session,
            args.id,
            channel=args.channel,
            reached=args.reached,
            note=args.note,
            next_try=args.next,
            at=args.at,
            actor=desk_user(),
            expected_version=None,
        )
        status = attempt.referral.status.value
        recorded = as_row(attempt).text
        count = attempt_summaries(session, [args.id])[args.id].count
    so_far = f"{count} attempt{'s' if count != 1 else ''} so far"
    print(printable(f"referral {args.id}: {status}; {recorded} ({so_far})"))
    return 0


def cmd_referral_tell_tech(args: argparse.Namespace) -> int:
    if args.send:
        return outbox.send_tell_tech(args)
    with unit_of_work(args) as session:
        referral = tell_tech(session, args.id, desk_user(), thanked=args.thanked, note=args.note)
        technician = referral.technician.name
    print(f"referral {args.id}: {technician} told{' and thanked' if args.thanked else ''}")
    return 0


def _moment(value: dt.datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _row(item: WorkItem, now: dt.datetime) -> list[str]:
    return [
        str(item.id),
        item.status.value,
        item.customer,
        item.technician,
        item.salesperson or "",
        item.created_at.isoformat(timespec="seconds"),
        item.pain_point,
        item.urgency.value,
        text_value(item.estimated_value),
        "yes" if item.overdue else "no",
        item.first_contact_at.isoformat(timespec="seconds") if item.first_contact_at else "",
        item.appointment_at.isoformat(timespec="seconds") if item.appointment_at else "",
        item.follow_up_on.isoformat() if item.follow_up_on else "",
        str(item.attempts),
        _moment(item.last_attempt_at),
        _moment(item.next_try_at),
        item.due.what if item.due else "",
        _moment(item.due.at) if item.due else "",
        due_in_words(item.due.at, now) if item.due else "",
        item.category or "",
        item.assignment or "",
    ]


def _chosen_worklist(args: argparse.Namespace) -> Worklist:
    """`--list NAME`, or the list `--overdue` / `--tell-tech` name; everything without one."""
    flags = {Worklist.OVERDUE: args.overdue, Worklist.TELL_TECH: args.tell_tech}
    chosen = {which for which, on in flags.items() if on}
    if args.list:
        chosen.add(Worklist(args.list))
    if len(chosen) > 1:
        names = ", ".join(sorted(which.value for which in chosen))
        raise CommandError(f"--list: choose one worklist, not several ({names})")
    return chosen.pop() if chosen else Worklist.ALL


def cmd_referral_list(args: argparse.Namespace) -> int:
    which = _chosen_worklist(args)
    now = dt.datetime.now(dt.UTC)
    with unit_of_work(args) as session:
        technician_id = (
            find_staff(session, args.technician, StaffRole.TECHNICIAN).id
            if args.technician
            else None
        )
        items = worklist(
            session,
            which,
            now=now,
            status=ReferralStatus(args.status) if args.status else None,
            technician_id=technician_id,
        )
    rows = [_row(item, now) for item in items]
    if args.format == "csv":
        header = list(LIST_COLUMNS)
        if which is Worklist.TELL_TECH:
            # The person to call on this list is the technician: their phone comes last.
            header.append("technician_phone")
            phones = [item.technician_phone or "" for item in items]
            rows = [[*row, phone] for row, phone in zip(rows, phones, strict=True)]
        # A spreadsheet opening this must show a pain point such as "=HYPERLINK(...)" as text.
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[protect(cell) for cell in row] for row in rows])
        return 0
    shown = (
        *(0, 1, 2, 3, 4, 5, 9),
        LIST_COLUMNS.index("attempts"),
        LIST_COLUMNS.index("due_in_words"),
    )
    table = [[LIST_COLUMNS[i] for i in shown]] + [
        [printable(row[i]) for i in shown] for row in rows
    ]
    widths = [min(max(len(line[i]) for line in table), 30) for i in range(len(shown))]
    for line in table:
        print(
            "  ".join(
                cell[:30].ljust(width) for cell, width in zip(line, widths, strict=True)
            ).rstrip()
        )
    print(f"{len(rows)} referral{'s' if len(rows) != 1 else ''}", file=sys.stderr)
    return 0


def cmd_note_add(args: argparse.Namespace) -> int:
    with unit_of_work(args) as session:
        customer = resolve_customer(session, args.customer)
        note = add_note(
            session,
            customer.id,
            args.text,
            author=args.author or desk_user(),
            category=args.category,
            pinned=args.pin,
        )
        note_id = note.id
    print(note_id)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    referral = commands.add_parser(
        "referral", parents=[common], help="record and move technician referrals"
    )
    steps = referral.add_subparsers(
        title="referral commands", metavar="COMMAND", required=True, parser_class=CommandParser
    )

    add = steps.add_parser("add", parents=[common], help="record a technician's referral")
    add.add_argument("customer", metavar="CUSTOMER", help="account number, external id or name")
    add.add_argument("--technician", required=True, metavar="T", help="name or external id")
    add.add_argument("--pain-point", required=True, metavar="TEXT")
    add.add_argument("--recommendation", metavar="TEXT")
    add.add_argument("--equipment", type=record_id, metavar="ID")
    add.add_argument("--urgency", choices=[u.value for u in Urgency], default=Urgency.NORMAL.value)
    add.add_argument("--estimated-value", metavar="N")
    add.add_argument("--salesperson", metavar="S")
    add.add_argument("--category", metavar="C", help="one of the office's referral categories")
    add.add_argument(
        "--continues",
        type=record_id,
        metavar="ID",
        help="the customer's earlier referral whose need this one carries on",
    )
    add.add_argument(
        "--prompted-by",
        metavar="EQUIPMENT",
        help="external id of the old equipment whose heads-up led the tech to refer",
    )
    add_handler(add, cmd_referral_add)

    move = steps.add_parser("move", parents=[common], help="take one lifecycle step")
    move.add_argument("id", type=record_id, metavar="ID")
    move.add_argument("status", metavar="STATUS", help=", ".join(s.value for s in ReferralStatus))
    move.add_argument("--salesperson", metavar="S", help="for assigned")
    move.add_argument("--at", type=local_datetime, metavar="DATETIME", help="for appointment_set")
    move.add_argument("--value", metavar="N", help="won value, or the quoted value")
    move.add_argument(
        "--reason", metavar="TEXT", help="for lost: a configured reason, then ': details'"
    )
    move.add_argument("--follow-up", type=iso_date, metavar="DATE", help="for not_now")
    move.add_argument("--note", metavar="TEXT")
    move.add_argument(
        "--minutes", type=int, metavar="N", help="for appointment_set: how long (office's default)"
    )
    move.add_argument(
        "--appointment-note",
        metavar="TEXT",
        help="for appointment_set: access, gate code, best time",
    )
    add_handler(move, cmd_referral_move)

    tried = steps.add_parser(
        "attempt", parents=[common], help="record a try to reach the referral's customer"
    )
    tried.add_argument("id", type=record_id, metavar="ID")
    tried.add_argument(
        "--channel", required=True, choices=[channel.value for channel in ContactChannel]
    )
    tried.add_argument(
        "--reached", action="store_true", help="it reached the customer (the first is the contact)"
    )
    tried.add_argument("--note", metavar="TEXT")
    tried.add_argument(
        "--next", type=wall_clock, metavar="DATETIME", help="when to try again (office time)"
    )
    tried.add_argument(
        "--at", type=wall_clock, metavar="DATETIME", help="when it happened (office time; now)"
    )
    add_handler(tried, cmd_referral_attempt)

    told = steps.add_parser(
        "tell-tech", parents=[common], help="the referring tech was told the outcome"
    )
    told.add_argument("id", type=record_id, metavar="ID")
    told.add_argument("--thanked", action="store_true")
    told.add_argument("--note", metavar="TEXT")
    told.add_argument(
        "--send", action="store_true", help="email the office's message to the tech, then record it"
    )
    add_smtp_option(told)
    add_handler(told, cmd_referral_tell_tech)

    calendar.register_invite(steps, common)

    listing = steps.add_parser("list", parents=[common], help="the worklists")
    listing.add_argument("--status", choices=[s.value for s in ReferralStatus])
    listing.add_argument("--overdue", action="store_true")
    listing.add_argument("--tell-tech", action="store_true")
    listing.add_argument(
        "--list",
        choices=[which.value for which in Worklist],
        metavar="NAME",
        help="one of the desk's worklists: " + ", ".join(which.value for which in Worklist),
    )
    listing.add_argument("--technician", metavar="T")
    listing.add_argument("--format", choices=("table", "csv"), default="table")
    add_handler(listing, cmd_referral_list)

    note = commands.add_parser("note", parents=[common], help="upsell notes")
    note_steps = note.add_subparsers(
        title="note commands", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    note_add = note_steps.add_parser(
        "add", parents=[common], help="add an upsell note to a customer"
    )
    note_add.add_argument("customer", metavar="CUSTOMER")
    note_add.add_argument("text", metavar="TEXT")
    note_add.add_argument("--category", metavar="C", type=limited_text(UpsellNote.category))
    note_add.add_argument("--pin", action="store_true")
    note_add.add_argument("--author", metavar="A", type=limited_text(UpsellNote.author))
    add_handler(note_add, cmd_note_add)
