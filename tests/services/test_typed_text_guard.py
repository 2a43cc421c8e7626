"""Text typed at a desk holding a control code is refused naming its field, nothing written;
text a table holds (tabs, line breaks, any script, emoji) is stored as typed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from console.models import UpsellNote
from console.services.customers.notes import add_note
from console.services.errors import InputError
from tests import factories


@pytest.mark.parametrize("code", ["\x00", "\x07", "\x1b[0m\x7f"])
def test_a_note_holding_a_control_code_is_refused_naming_its_field(
    sessions: sessionmaker[Session], code: str
) -> None:
    with sessions.begin() as session:
        customer_id = factories.customer(session).id
    with pytest.raises(InputError) as refused, sessions.begin() as session:
        add_note(session, customer_id, f"Gate code 12{code}34", "kim")
    assert refused.value.field == "text"
    assert "holds the control character 0x" in str(refused.value)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(UpsellNote)) == 0


def test_text_a_table_can_hold_is_stored_as_typed(sessions: sessionmaker[Session]) -> None:
    typed = "Dog in the yard\tgate on the left\r\nCall first 🙂 · ‏שלום · Zoë"
    with sessions.begin() as session:
        customer_id = factories.customer(session).id
        add_note(session, customer_id, typed, "kim")
    with sessions() as session:
        assert session.scalars(select(UpsellNote.text)).one() == typed
