"""Editing a customer's contact details: clean values, clear refusals, and no silent overwrite."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from console.services.customers.contacts import (
    FIELD_NAMES,
    ContactConflict,
    ContactDetails,
    merge_choices,
    merged,
    read_contact,
    update_contact,
)
from console.services.errors import InputError
from tests import factories


@pytest.fixture
def customer_id(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return factories.customer(session, name="Ada Byron", phone="555-0100", city="Leeds").id


def test_saved_details_are_trimmed_and_blank_fields_stored_as_empty(
    sessions: sessionmaker[Session], customer_id: int
) -> None:
    with sessions() as session:
        contact = read_contact(session, customer_id)
    changed = replace(contact.details, phone="  555-0199 ", city="", email="ada@example.org")
    with sessions.begin() as session:
        saved = update_contact(
            session, customer_id, changed, expected_version=contact.version, actor="sam"
        )
    assert saved.version == contact.version + 1
    with sessions() as session:
        again = read_contact(session, customer_id)
    assert again.details.phone == "555-0199"
    assert again.details.city == ""
    assert again.updated_by == "sam"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"name": "   "}, "Name", "must not be empty"),
        ({"email": "ada at example"}, "Email", "not an email address"),
        ({"phone": "5" * 41}, "Phone", "at most 40"),
    ],
)
def test_bad_values_are_refused_naming_the_field(
    sessions: sessionmaker[Session], customer_id: int, change: dict, field: str, reason: str
) -> None:
    with sessions() as session:
        contact = read_contact(session, customer_id)
    with pytest.raises(InputError) as refused, sessions.begin() as session:
        update_contact(
            session,
            customer_id,
            replace(contact.details, **change),
            expected_version=contact.version,
            actor="sam",
        )
    assert refused.value.field == field and reason in refused.value.message
    with sessions() as session:
        assert read_contact(session, customer_id) == contact


def test_stale_save_is_refused_with_the_other_desks_version(
    sessions: sessionmaker[Session], customer_id: int
) -> None:
    with sessions() as session:
        read_by_both = read_contact(session, customer_id)
    with sessions.begin() as session:
        update_contact(
            session,
            customer_id,
            replace(read_by_both.details, phone="555-0111"),
            expected_version=read_by_both.version,
            actor="desk two",
        )
    with pytest.raises(ContactConflict) as conflict, sessions.begin() as session:
        update_contact(
            session,
            customer_id,
            replace(read_by_both.details, city="York"),
            expected_version=read_by_both.version,
            actor="desk one",
        )
    theirs = conflict.value.theirs
    assert theirs.details.phone == "555-0111" and theirs.details.city == "Leeds"
    assert theirs.updated_by == "desk two"
    assert "desk two" in str(conflict.value)


texts = st.sampled_from(["", "a", "b"])
details = st.builds(ContactDetails, **{name: texts for name in FIELD_NAMES})


@given(original=details, mine=details, theirs=details)
def test_default_merge_keeps_every_change_of_each_side_unless_both_changed(
    original: ContactDetails, mine: ContactDetails, theirs: ContactDetails
) -> None:
    result = merged(mine, theirs, merge_choices(original, mine, theirs))
    for name in FIELD_NAMES:
        mine_changed = getattr(mine, name) != getattr(original, name)
        if mine_changed:
            assert getattr(result, name) == getattr(mine, name)
        else:
            assert getattr(result, name) == getattr(theirs, name)
