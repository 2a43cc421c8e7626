"""Upsell notes: add, edit, pin, remove (kept on record), and turn into referrals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from console.models import NOTE_CATEGORIES, UpsellNote
from console.services.errors import Conflict, InputError, NotFound
from console.services.records import named_customer, named_equipment


def _category(value: str | None) -> str:
    if value is None or not value.strip():
        return "Other"
    for category in NOTE_CATEGORIES:
        if category.lower() == value.strip().lower():
            return category
    return value.strip()[:60]


def add_note(
    session: Session,
    customer_id: int,
    text: str,
    author: str,
    category: str | None = None,
    pinned: bool = False,
    equipment_id: int | None = None,
    now: dt.datetime | None = None,
) -> UpsellNote:
    named_customer(session, customer_id)
    body = (text or "").strip()
    if not body:
        raise InputError("text", "must not be empty")
    if not (author or "").strip():
        raise InputError("author", "must not be empty")
    if equipment_id is not None:
        named_equipment(session, customer_id, equipment_id)
    note = UpsellNote(
        customer_id=customer_id,
        text=body,
        author=author.strip(),
        category=_category(category),
        pinned=pinned,
        equipment_id=equipment_id,
        created_at=now or dt.datetime.now(dt.UTC),
    )
    session.add(note)
    session.flush()
    return note


def _editable(session: Session, note_id: int, expected_version: int | None) -> UpsellNote:
    note = session.get(UpsellNote, note_id)
    if note is None or note.removed_at is not None:
        raise NotFound("note", f"no upsell note {note_id}")
    if expected_version is not None and note.version != expected_version:
        raise Conflict(f"note {note_id} was changed on another desk; reload it and try again")
    return note


def _flush(session: Session, note_id: int) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(f"note {note_id} was changed on another desk at the same time") from None


def edit_note(
    session: Session,
    note_id: int,
    *,
    text: str | None = None,
    category: str | None = None,
    pinned: bool | None = None,
    expected_version: int | None = None,
) -> UpsellNote:
    note = _editable(session, note_id, expected_version)
    if text is not None:
        if not text.strip():
            raise InputError("text", "must not be empty")
        note.text = text.strip()
    if category is not None:
        note.category = _category(category)
    if pinned is not None:
        note.pinned = pinned
    _flush(session, note_id)
    return note


def remove_note(
    session: Session,
    note_id: int,
    actor: str,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> UpsellNote:
    """Take a note off the customer's list; the row stays, with who removed it and when."""
    note = _editable(session, note_id, expected_version)
    note.removed_at = now or dt.datetime.now(dt.UTC)
    note.removed_by = actor
    _flush(session, note_id)
    return note


def stored_note(session: Session, note_id: int) -> UpsellNote | None:
    """The note as it is stored now, or None once removed: what another desk's save left."""
    note = session.get(UpsellNote, note_id)
    return None if note is None or note.removed_at is not None else note
