"""Composing the message to the tech, and telling them without a mail server."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import OutboxMessage, Referral, ReferralStatus
from console.services.errors import InputError
from console.services.messages.tell_tech import (
    compose,
    mailto_url,
    plain_text,
    record_told_by_hand,
)
from console.services.referrals.lifecycle import StepDetails, move_referral
from tests.services.messages.office import NOW, won_referral


def test_a_lost_referral_says_why_and_has_no_spiff(sessions: sessionmaker[Session]) -> None:
    referral_id = won_referral(sessions)
    with sessions.begin() as session:
        referral = session.get_one(Referral, referral_id)
        referral.status = ReferralStatus.CONTACTED
        referral.estimated_value = None
        session.flush()
        move_referral(session, referral, "lost", "sam", StepDetails(reason="Price: went cheap"))
    with sessions() as session:
        message = compose(session, referral_id)
    assert message.subject == "Your referral for Ada Park: lost (Price: went cheap)"
    assert "Value: not recorded" in message.body
    assert "Your spiff: none" in message.body


def test_an_open_referral_is_refused_naming_its_status(sessions: sessionmaker[Session]) -> None:
    referral_id = won_referral(sessions)
    with sessions.begin() as session:
        session.get_one(Referral, referral_id).status = ReferralStatus.QUOTED
    with (
        pytest.raises(InputError, match="is quoted; the tech is told once it is won or lost"),
        sessions() as session,
    ):
        compose(session, referral_id)


def test_without_a_server_the_message_opens_in_the_mail_program_or_is_copied(
    sessions: sessionmaker[Session],
) -> None:
    referral_id = won_referral(sessions)
    with sessions() as session:
        message = compose(session, referral_id)
    link = urlsplit(mailto_url(message))
    assert link.scheme == "mailto" and link.path == "ana@example.com"
    query = parse_qs(link.query)
    assert query["subject"] == [message.subject]
    assert query["body"] == [message.body]
    assert plain_text(message).startswith("Your referral for Ada Park: won\n\nHi Ana,")


def test_told_by_hand_records_the_step_and_queues_nothing(
    sessions: sessionmaker[Session],
) -> None:
    referral_id = won_referral(sessions)
    with sessions.begin() as session:
        message = compose(session, referral_id)
        record_told_by_hand(session, message, "sam", "by text to 555-0199", now=NOW)
    with sessions() as session:
        referral = session.get_one(Referral, referral_id)
        assert referral.tech_informed_at == NOW and referral.tech_thanked is True
        assert referral.events[-1].note == (
            "Told the tech the outcome and thanked them: by text to 555-0199"
        )
        assert session.scalar(select(func.count(OutboxMessage.id))) == 0
