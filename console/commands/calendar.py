"""`dispatch-console referral invite ID (-o FILE.ics | --send)` and
`dispatch-console digest TECHNICIAN [--week YYYY-Www] (-o FILE.pdf | --send)`.

`-o` writes the file whole or not at all; `--send` queues the message in the same transaction
that records it, then hands what is due to the mail server (`--smtp URL`, then
`CONSOLE_SMTP_URL`, then Preferences). With no mail server set up, `--send` is refused before
anything is recorded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from console.commands.common import (
    CommandError,
    add_handler,
    add_smtp_option,
    database,
    mail_server,
    printable,
    record_id,
    unit_of_work,
)
from console.desk_user import desk_user
from console.models import StaffRole
from console.services.briefing.page import PageSize, default_page_size
from console.services.calendar.digest import (
    DIGEST_KIND,
    WEEK_FORMAT,
    IsoWeek,
    digest_subject,
    digest_text,
    technician_digest,
    this_week,
)
from console.services.calendar.digest_pdf import render_digest
from console.services.calendar.invite_mail import queue_invite
from console.services.calendar.invites import issue_invite, office_organizer
from console.services.errors import InputError
from console.services.messages.outbox import Attachment, queue_message, send_due
from console.services.messages.smtp_url import SmtpServer
from console.services.office.clock import local
from console.services.office.staff import find_staff
from console.services.output_file import atomic_output, check_output_file


def sending_server(args: argparse.Namespace) -> SmtpServer:
    """The mail server `--send` uses, with its kept password; refused when none is set up."""
    server = mail_server(args)
    if server is None:
        raise CommandError(
            "--send: no mail server is set up; give --smtp URL, set CONSOLE_SMTP_URL or"
            " choose one in Preferences (or write a file with -o)"
        )
    return server


def _send_now(args: argparse.Namespace, server: SmtpServer) -> str:
    with database(args) as engine:
        report = send_due(engine, server)
    return report.summary


def cmd_referral_invite(args: argparse.Namespace) -> int:
    output = check_output_file(Path(args.output), (".ics",)) if args.output else None
    server = sending_server(args) if args.send else None
    organizer = office_organizer(getattr(args, "smtp", None))
    with unit_of_work(args) as session:
        issued = issue_invite(
            session,
            args.id,
            actor=desk_user(),
            sending=server is not None,
            organizer=organizer,
            page_size=_page_size(args),
        )
        message = issued.message
        what = (
            f"referral {args.id}: {message.method.lower()} for"
            f" {message.event.attendee.name if message.event.attendee else 'nobody'},"
            f" {local(message.event.starts_at):%Y-%m-%d %H:%M}, sequence {message.sequence}"
        )
        if output is not None:
            # Written inside the transaction: a file that cannot be written records nothing.
            with atomic_output(output, (".ics",)) as partial:
                partial.write_bytes(message.ics(embed_briefing=True))
        else:
            queued = queue_invite(session, issued, actor=desk_user())
            what += "; queued for " + ", ".join(item.to for item in queued)
    if output is not None:
        print(output)
        print(printable(what), file=sys.stderr)
        return 0
    assert server is not None
    print(printable(f"{what}; {_send_now(args, server)}"))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    output = check_output_file(Path(args.output), (".pdf",)) if args.output else None
    server = sending_server(args) if args.send else None
    with unit_of_work(args) as session:
        week = args.week or this_week()
        technician = find_staff(session, args.technician, StaffRole.TECHNICIAN, "technician")
        digest = technician_digest(session, technician, week)
        pdf = render_digest(digest, _page_size(args))
        if server is not None:
            if digest.email is None:
                raise CommandError(
                    f"technician: {technician.name} has no email address; add one, or print"
                    " the digest with -o FILE.pdf"
                )
            queue_message(
                session,
                kind=DIGEST_KIND,
                to=digest.email,
                subject=digest_subject(digest),
                body=digest_text(digest),
                attachments=[
                    Attachment(f"digest-{week.label}.pdf", "application/pdf", pdf),
                ],
                actor=desk_user(),
            )
    summary = (
        f"{digest.technician}, week {week.label}: {len(digest.referrals)} referrals,"
        f" {len(digest.outcomes)} outcomes, {len(digest.won)} won"
    )
    if output is not None:
        with atomic_output(output, (".pdf",)) as partial:
            partial.write_bytes(pdf)
        print(output)
        print(printable(summary), file=sys.stderr)
        return 0
    assert server is not None and digest.email is not None
    print(printable(f"{summary}; queued for {digest.email}; {_send_now(args, server)}"))
    return 0


def iso_week(text: str) -> IsoWeek:
    """`--week` as typed: an ISO week, or the format shown."""
    try:
        return IsoWeek.parse(text)
    except InputError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _page_size(args: argparse.Namespace) -> PageSize:
    return PageSize(args.page_size) if args.page_size else default_page_size()


def _destination(parser: argparse.ArgumentParser, file_kind: str) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("-o", "--output", metavar=f"FILE{file_kind}", help="write it to a file")
    where.add_argument("--send", action="store_true", help="email it through the mail server")
    if "--smtp" not in parser._option_string_actions:  # unless shared with every command
        add_smtp_option(parser)
    parser.add_argument("--page-size", choices=[size.value for size in PageSize])


def register_invite(steps: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """`referral invite`, added to the `referral` command's steps."""
    invite = steps.add_parser(
        "invite",
        parents=[common],
        help="the salesperson's calendar invite for the referral's appointment",
    )
    invite.add_argument("id", type=record_id, metavar="ID")
    _destination(invite, ".ics")
    add_handler(invite, cmd_referral_invite)


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    digest = commands.add_parser(
        "digest", parents=[common], help="a technician's weekly digest of referrals and spiffs"
    )
    digest.add_argument("technician", metavar="TECHNICIAN", help="external id or name")
    digest.add_argument(
        "--week",
        type=iso_week,
        metavar="YYYY-Www",
        help=f"the office's ISO week ({WEEK_FORMAT}; this week)",
    )
    _destination(digest, ".pdf")
    add_handler(digest, cmd_digest)
