"""Calendar invites for sales appointments, parsed back with `icalendar` as a calendar would."""

from __future__ import annotations

import datetime as dt
import io
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import CalendarInvite, InviteState, OutboxMessage, Staff, StaffRole
from console.services.calendar.ics import Person
from console.services.calendar.invite_mail import follow_invite, queue_invite
from console.services.calendar.invites import issue_invite, office_organizer
from console.services.errors import InputError
from console.services.messages.outbox import build_email
from console.services.office.settings import OfficeSettings, save_office_settings
from console.services.referrals.lifecycle import StepDetails, create_referral, move_referral
from console.services.schedule.appointments import schedule_appointment
from tests import factories

NEW_YORK = ZoneInfo("America/New_York")
# Clocks in New York go forward on Sunday 14 March 2027.
NOW = dt.datetime(2027, 3, 1, 15, 0, tzinfo=dt.UTC)
BEFORE_DST = dt.datetime(2027, 3, 12, 9, 30)  # office wall-clock, EST (UTC-5)
AFTER_DST = dt.datetime(2027, 3, 16, 9, 30)  # office wall-clock, EDT (UTC-4)
ORGANIZER = Person("Dispatch office", "office@heat.example")


@pytest.fixture
def office(sessions: sessionmaker[Session]) -> dict[str, int]:
    """A referral with an appointment on Friday 12 March 2027 at 09:30, New York time."""
    with sessions.begin() as session:
        save_office_settings(session, OfficeSettings(time_zone="America/New_York"))
        customer = factories.customer(
            session,
            name="Agnieszka Łukasik",
            street="12 Elm Street",
            city="Albany",
            postal_code="12207",
            phone="518-555-0199",
        )
        factories.staff(session, "Tom Tech", phone="518-555-0101", external_id="T-1")
        factories.staff(session, "Sam Sales", StaffRole.SALESPERSON, email="sam@heat.example")
        factories.staff(session, "Nora Noemail", StaffRole.SALESPERSON)
        factories.staff(session, "Pat Other", StaffRole.SALESPERSON, email="pat@heat.example")
        referral = create_referral(
            session,
            customer_id=customer.id,
            technician="Tom Tech",
            pain_point="Boiler is 19 years old and leaking",
            recommendation="Quote a condensing boiler",
            salesperson="Sam Sales",
            actor="desk",
            now=NOW - dt.timedelta(days=3),
        )
        move_referral(session, referral, "contacted", "desk", now=NOW - dt.timedelta(days=1))
        move_referral(
            session,
            referral,
            "appointment_set",
            "desk",
            StepDetails(appointment_at=BEFORE_DST),
            now=NOW,
        )
        return {"referral": referral.id, "customer": customer.id}


def parsed(data: bytes) -> tuple[Calendar, Calendar]:
    calendar = Calendar.from_ical(data)
    return calendar, calendar.walk("VEVENT")[0]


def invite_rows(session: Session) -> list[CalendarInvite]:
    return list(session.scalars(select(CalendarInvite).order_by(CalendarInvite.id)))


def test_saved_invite_reads_back_with_everything_the_salesperson_needs(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        issued = issue_invite(
            session, office["referral"], actor="desk", organizer=ORGANIZER, now=NOW
        )
        data = issued.message.ics(embed_briefing=True)
    calendar, event = parsed(data)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert re.fullmatch(
        f"referral-{office['referral']}-visit-1-[0-9a-f]{{8}}@heat.example", str(event["UID"])
    )
    assert event["SEQUENCE"] == 0
    start = event.decoded("DTSTART")
    assert start.astimezone(NEW_YORK).replace(tzinfo=None) == BEFORE_DST
    assert start == dt.datetime(2027, 3, 12, 14, 30, tzinfo=dt.UTC)  # EST: UTC-5
    assert event.decoded("DTEND") - start == dt.timedelta(minutes=60)
    assert str(event["SUMMARY"]) == (
        "Sales visit: Agnieszka Łukasik — Boiler is 19 years old and leaking"
    )
    assert str(event["LOCATION"]) == "12 Elm Street, 12207 Albany"
    description = str(event["DESCRIPTION"])
    assert "Referred by Tom Tech, phone 518-555-0101." in description
    assert "Please call Tom Tech before you go" in description
    assert "Fri 2027-03-12 09:30 (America/New_York)" in description
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:office@heat.example"
    assert str(event["ATTENDEE"]) == "mailto:sam@heat.example"
    assert event["ATTENDEE"].params["CN"] == "Sam Sales"
    attach = event["ATTACH"]
    assert attach.params["FMTTYPE"] == "application/pdf"
    pdf = event.decoded("ATTACH")
    assert pdf.startswith(b"%PDF-")
    assert "Agnieszka Łukasik" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    alarm = event.walk("VALARM")[0]
    assert "Call Tom Tech before you go: 518-555-0101" in str(alarm["DESCRIPTION"])


def test_issuing_again_without_a_change_repeats_the_same_sequence(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        first = issue_invite(session, office["referral"], actor="desk", now=NOW).message
    with sessions.begin() as session:
        again = issue_invite(session, office["referral"], actor="desk", now=NOW).message
        assert len(invite_rows(session)) == 1
    assert (again.uid, again.sequence) == (first.uid, first.sequence) == (first.uid, 0)


def test_a_move_across_the_dst_change_keeps_the_uid_and_raises_the_sequence(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        first = issue_invite(session, office["referral"], actor="desk", now=NOW).message
    with sessions.begin() as session:
        schedule_appointment(session, office["referral"], AFTER_DST, "desk", now=NOW)
    with sessions.begin() as session:
        moved = issue_invite(session, office["referral"], actor="desk", now=NOW).message
        row = invite_rows(session)[0]
        assert (row.sequence, row.state) == (1, InviteState.SENT)
    calendar, event = parsed(moved.ics(embed_briefing=False))
    assert str(event["UID"]) == first.uid
    assert event["SEQUENCE"] == 1
    assert str(calendar["METHOD"]) == "REQUEST"
    start = event.decoded("DTSTART")
    assert start.astimezone(NEW_YORK).replace(tzinfo=None) == AFTER_DST
    assert start == dt.datetime(2027, 3, 16, 13, 30, tzinfo=dt.UTC)  # EDT: UTC-4
    assert "ATTACH" not in event  # a mailed invite carries the PDF as a MIME part
    assert moved.subject.startswith("Moved: Sales visit: Agnieszka Łukasik")


def test_a_cancelled_referral_gives_a_cancel_and_the_next_appointment_a_new_uid(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        first = issue_invite(session, office["referral"], actor="desk", now=NOW).message
    with sessions.begin() as session:
        move_referral(
            session,
            office["referral"],
            "not_now",
            "desk",
            StepDetails(follow_up_on=dt.date(2027, 4, 1)),
            now=NOW,
        )
    with sessions() as session:
        # The step itself queued the cancellation for the salesperson the invite named.
        queued = session.scalars(select(OutboxMessage)).all()
        assert [message.subject[:22] for message in queued] == ["Cancelled: Sales visit"]
        calendars = [
            item.content for item in queued[0].attachments if item.mime_type.startswith("text/cal")
        ]
    calendar, event = parsed(calendars[0])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == first.uid
    assert event["SEQUENCE"] == 1
    assert "ATTACH" not in event
    with sessions.begin() as session:
        assert invite_rows(session)[0].state is InviteState.CANCELLED
        with pytest.raises(InputError, match="has no sales appointment \\(Not now\\)"):
            issue_invite(session, office["referral"], actor="desk", now=NOW)


def test_refusals_name_the_problem_and_record_nothing(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions() as session:
        with pytest.raises(InputError, match="referral: no referral with id 999"):
            issue_invite(session, 999, actor="desk", now=NOW)
        late = BEFORE_DST.replace(tzinfo=NEW_YORK) + dt.timedelta(minutes=1)
        with pytest.raises(
            InputError, match="the appointment at Fri 2027-03-12 09:30 is in the past"
        ):
            issue_invite(session, office["referral"], actor="desk", now=late)
        session.rollback()
        assert invite_rows(session) == []
    with sessions.begin() as session:
        schedule_appointment(
            session, office["referral"], BEFORE_DST, "desk", salesperson="Nora Noemail", now=NOW
        )
    with sessions() as session:
        with pytest.raises(InputError, match="salesperson: Nora Noemail has no email address"):
            issue_invite(session, office["referral"], actor="desk", sending=True, now=NOW)
        session.rollback()
        assert invite_rows(session) == []
        # A file needs no address: it is a plain event to import.
        saved = issue_invite(session, office["referral"], actor="desk", now=NOW).message
        calendar, event = parsed(saved.ics(embed_briefing=True))
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert "ATTENDEE" not in event


def test_the_mailed_invite_parses_back_with_calendar_part_and_briefing(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        issued = issue_invite(
            session, office["referral"], actor="desk", sending=True, organizer=ORGANIZER, now=NOW
        )
        queued = queue_invite(session, issued, actor="desk", now=NOW)
        assert [message.kind for message in queued] == ["invite"]
        email = build_email(queued[0], "office@heat.example")
    received = message_from_bytes(email.as_bytes(), policy=policy.default)
    assert isinstance(received, EmailMessage)
    assert received["To"] == "sam@heat.example"
    assert received["Subject"] == (
        "Sales visit: Agnieszka Łukasik — Boiler is 19 years old and leaking (Fri 2027-03-12 09:30)"
    )
    body = received.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Where: 12 Elm Street, 12207 Albany" in text
    assert "Referred by Tom Tech, phone 518-555-0101." in text
    parts = {part.get_content_type(): part for part in received.walk()}
    calendar_part = parts["text/calendar"]
    assert calendar_part.get_param("method") == "REQUEST"
    _calendar, event = parsed(calendar_part.get_payload(decode=True))
    assert str(event["UID"]) == issued.message.uid
    pdf_part = parts["application/pdf"]
    assert pdf_part.get_filename() == "briefing-Agnieszka-Łukasik-20270312.pdf"
    assert pdf_part.get_payload(decode=True).startswith(b"%PDF-")


def test_moving_an_emailed_appointment_queues_the_update_in_the_same_step(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        issued = issue_invite(session, office["referral"], actor="desk", sending=True, now=NOW)
        queue_invite(session, issued, actor="desk", now=NOW)
    with sessions.begin() as session:
        schedule_appointment(session, office["referral"], AFTER_DST, "desk", now=NOW)
    with sessions() as session:
        messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        assert [m.subject.split(":")[0] for m in messages] == ["Sales visit", "Moved"]
        ics = next(a for a in messages[1].attachments if a.filename == "invite.ics").content
        _calendar, event = parsed(ics)
        assert (str(event["UID"]), event["SEQUENCE"]) == (issued.message.uid, 1)


def test_handing_the_visit_to_another_salesperson_cancels_it_for_the_first(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        issued = issue_invite(session, office["referral"], actor="desk", sending=True, now=NOW)
        queue_invite(session, issued, actor="desk", now=NOW)
    with sessions.begin() as session:
        schedule_appointment(
            session, office["referral"], BEFORE_DST, "desk", salesperson="Pat Other", now=NOW
        )
    with sessions() as session:
        messages = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        assert [(m.to, m.subject.split(":")[0]) for m in messages] == [
            ("sam@heat.example", "Sales visit"),
            ("sam@heat.example", "Cancelled"),
            ("pat@heat.example", "Moved"),
        ]
        for message in messages[1:]:
            ics = next(a for a in message.attachments if a.filename == "invite.ics").content
            _calendar, event = parsed(ics)
            assert (str(event["UID"]), event["SEQUENCE"]) == (issued.message.uid, 1)
        assert str(parsed(messages[1].attachments[0].content)[0]["METHOD"]) == "CANCEL"


def test_a_move_without_an_emailed_invite_queues_nothing(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        schedule_appointment(session, office["referral"], AFTER_DST, "desk", now=NOW)
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0
        assert invite_rows(session) == []


def test_the_organizer_is_the_mail_servers_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSOLE_SMTP_URL", "smtp://mail.heat.example?from=desk@heat.example")
    assert office_organizer() == Person("Dispatch office", "desk@heat.example")
    monkeypatch.delenv("CONSOLE_SMTP_URL")
    assert office_organizer().email is not None
    assert office_organizer().email.startswith("dispatch-console@")


def test_following_a_called_off_referral_queues_the_cancel_once(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        issued = issue_invite(session, office["referral"], actor="desk", sending=True, now=NOW)
        queue_invite(session, issued, actor="desk", now=NOW)
    with sessions.begin() as session:
        move_referral(session, office["referral"], "cancelled", "desk", now=NOW)
        # The step queued the cancel itself; following again queues nothing more.
        assert follow_invite(session, office["referral"], actor="desk", now=NOW) == []
        (cancel,) = session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject.startswith("Cancelled"))
        ).all()
        assert (cancel.to, cancel.subject.split(":")[0]) == ("sam@heat.example", "Cancelled")
        calendar, event = parsed(cancel.attachments[0].content)
        assert str(calendar["METHOD"]) == "CANCEL"
        assert (str(event["UID"]), event["SEQUENCE"]) == (issued.message.uid, 1)
        assert [a.filename for a in cancel.attachments] == ["invite.ics"]


def test_a_malformed_address_is_named_and_never_blocks_a_move(
    sessions: sessionmaker[Session], office: dict[str, int]
) -> None:
    with sessions.begin() as session:
        issued = issue_invite(session, office["referral"], actor="desk", sending=True, now=NOW)
        queue_invite(session, issued, actor="desk", now=NOW)
        sam = session.scalars(select(Staff).where(Staff.name == "Sam Sales")).one()
        sam.email = "sam at heat"
    with sessions() as session:
        with pytest.raises(
            InputError, match="salesperson: Sam Sales 'sam at heat' is not an email address"
        ):
            issue_invite(session, office["referral"], actor="desk", sending=True, now=NOW)
        session.rollback()
    with sessions.begin() as session:
        schedule_appointment(session, office["referral"], AFTER_DST, "desk", now=NOW)
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxMessage.id))) == 1
        assert invite_rows(session)[0].sequence == 0
