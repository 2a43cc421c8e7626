"""Which notes make the "Before you go" box: access and dealing with the customer, never sales
talk, each said once, newest first."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.models import VisitStatus
from console.services.briefing.before_you_go import (
    MOST_SHOWN,
    about_the_visit,
    heads_ups,
    sentences,
)
from console.services.customers.customer_360 import NoteRow, VisitRow

DAY = dt.datetime(2026, 2, 10, 15, tzinfo=dt.UTC)


def visit(notes: str, days_ago: int = 0, technician: str = "Gary Ramos") -> VisitRow:
    when = DAY - dt.timedelta(days=days_ago)
    return VisitRow(
        id=days_ago,
        scheduled_for=when,
        completed_at=when,
        status=VisitStatus.COMPLETED,
        technician_id=1,
        technician=technician,
        technician_phone=None,
        equipment_id=None,
        equipment=None,
        problem=None,
        work_done=None,
        tech_notes=notes,
    )


def note(text: str, category: str = "Other", days_ago: int = 0) -> NoteRow:
    return NoteRow(
        id=days_ago,
        created_at=DAY - dt.timedelta(days=days_ago),
        author="Ana",
        category=category,
        text=text,
        pinned=False,
        referral_id=None,
        equipment_id=None,
        version=1,
    )


@pytest.mark.parametrize(
    "sentence",
    [
        "Very friendly, prefers calls after 4 pm.",
        "Dog in the yard.",
        "Two cats, keep the door shut.",
        "Gate code is 4411.",
        "Alarm code 1234 at the side entrance.",
        "Key under the mat.",
        "Lockbox on the porch.",
        "Parking is tight; use the driveway.",
        "Ring the doorbell twice.",
        "Use the back door.",
        "Call ahead, they work nights.",
        "Not home before 9:30.",
        "Mornings only.",
    ],
)
def test_access_and_dealing_with_the_customer_are_taken(sentence: str) -> None:
    assert about_the_visit(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "They want a call back with prices before the end of the month.",
        "After 2 visits the unit still short-cycles.",
        "Replace before 2027.",
        "Heat exchanger rusting.",
        "Customer asked about financing options for a new system.",
        "Keystone fittings corroded.",
        "Codes and permits are the city's.",
    ],
)
def test_sales_talk_and_repairs_are_not(sentence: str) -> None:
    assert not about_the_visit(sentence)


def test_a_note_is_cut_into_sentences_and_only_the_right_ones_kept() -> None:
    found = heads_ups(
        [visit("Prefers calls after 4 p.m. Heat exchanger rusting. Dog in the yard.")], []
    )
    assert [h.text for h in found] == ["Prefers calls after 4 p.m.", "Dog in the yard."]
    assert {h.said_by for h in found} == {"Gary Ramos"}


def test_a_note_of_an_access_category_is_taken_whole() -> None:
    found = heads_ups([], [note("Side gate sticks, lift it. Nice people.", category=" ACCESS ")])
    assert [h.text for h in found] == ["Side gate sticks, lift it. Nice people."]


def test_the_same_sentence_is_said_once_with_its_newest_source() -> None:
    found = heads_ups(
        [
            visit("Dog in the yard.", days_ago=40, technician="Ana Collins"),
            visit("dog in the  yard", 2),
        ],
        [],
    )
    assert len(found) == 1
    assert (found[0].said_by, found[0].said_at) == ("Gary Ramos", DAY - dt.timedelta(days=2))


@given(
    st.lists(
        st.sampled_from(["Dog in the yard.", "Gate code 12.", "Prefers texts.", "Old unit."]),
        max_size=30,
    )
)
def test_never_more_than_shown_never_twice_never_off_topic(pieces: list[str]) -> None:
    visits = [visit(text, days_ago=n) for n, text in enumerate(pieces)]
    found = heads_ups(visits, [])
    texts = [h.text for h in found]
    assert len(texts) == len(set(texts)) <= MOST_SHOWN
    assert "Old unit." not in texts
    assert set(texts) == {text for text in pieces if text != "Old unit."}
    assert [h.said_at for h in found] == sorted((h.said_at for h in found), reverse=True)


@given(st.text(alphabet=st.sampled_from("ab .!?\n"), max_size=60))
def test_sentences_lose_no_words(text: str) -> None:
    assert " ".join(sentences(text)).split() == text.split()
