"""The office's tell-the-tech template: its fields, its refusals, and where it is kept."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session, sessionmaker

from console.services.errors import InputError
from console.services.messages.tell_tech import compose
from console.services.messages.templates import (
    TellTechTemplate,
    load_template,
    save_template,
    thanks,
)
from console.services.office.settings import load_office_settings
from tests.services.messages.office import won_referral


def test_the_office_edits_the_template_and_every_message_uses_it(
    sessions: sessionmaker[Session],
) -> None:
    referral_id = won_referral(sessions)
    edited = TellTechTemplate(
        subject="{customer} went {outcome}",
        body="{tech_first_name}: {customer} {outcome} for {value}, {salesperson}, spiff {spiff}.",
    )
    with sessions.begin() as session:
        save_template(session, edited)
    with sessions() as session:
        assert load_template(session) == edited
        message = compose(session, referral_id)
        load_office_settings(session)  # the office's own settings still read
    assert message.subject == "Ada Park went won"
    assert message.body == "Ana: Ada Park won for $12,000.00, Sal Es, spiff $50.00."
    assert message.thanks is False


@pytest.mark.parametrize(
    ("subject", "body", "field", "says"),
    [
        ("Hi {custmer}", "Body", "template subject", "{custmer} is not a field; fields are:"),
        ("Hi", "Dear {tech_name}", "template body", "{tech_name} is not a field"),
        ("Hi", "Value {value:.2f}", "template body", "write {value} alone"),
        ("Hi", "Value {value!r}", "template body", "write {value} alone"),
        ("Hi", "An open { brace", "template body", "write a literal brace as {{ or }}"),
        ("", "Body", "template subject", "must not be empty"),
        ("Hi", "   ", "template body", "must not be empty"),
    ],
)
def test_a_template_the_desk_cannot_fill_is_refused_naming_the_field(
    sessions: sessionmaker[Session], subject: str, body: str, field: str, says: str
) -> None:
    with pytest.raises(InputError) as refused, sessions.begin() as session:
        save_template(session, TellTechTemplate(subject=subject, body=body))
    assert refused.value.field == field
    assert says in refused.value.message
    with sessions() as session:
        assert load_template(session) == TellTechTemplate()


def test_the_default_template_thanks_the_tech() -> None:
    assert thanks(TellTechTemplate().body)
    assert thanks("Thanks a lot")
    assert not thanks("The job is lost.")
