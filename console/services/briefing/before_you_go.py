"""What the salesperson should know before ringing the bell: access and how to deal with the
customer, picked out of the techs' notes and the upsell notes.

The rule, kept small so a desk can predict it:

- An upsell note filed under a category named for this (`HEADS_UP_CATEGORIES`, any case: "Access",
  "Customer", "Site access", …) is taken whole.
- Any other note and every tech note is cut into sentences, and a sentence is taken when it
  speaks of the way in or of the person: animals (dog, cat, pet), the way in (gate, door or
  alarm code, key, lockbox, parking, driveway, doorbell, side or back door), or how they like to
  be dealt with (prefers…, call or text first/ahead, a clock time such as "after 4 pm" or
  "before 9:30"). "Call", "after" and "before" count only in those phrases: on their own they
  appear in sales talk too ("wants a call back with prices before the end of the month").

The same sentence said on several visits is printed once, with the newest visit it came from.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from console.services.customers.customer_360 import NoteRow, VisitRow

HEADS_UP_CATEGORIES = frozenset(
    {"access", "customer", "site access", "customer care", "heads-up", "before you go"}
)
MOST_SHOWN = 6

# A clock time: "4 pm", "4:30", "9 a.m.", "noon"; a bare number ("after 2 visits") is not one.
_TIME_OF_DAY = r"(?:noon|\d{1,2}:\d{2}|\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.|o'?clock)(?!\w))"
_ABOUT_THE_VISIT = re.compile(
    "|".join(
        (
            r"\b(?:dogs?|cats?|pets?)\b",
            r"\bgates?\b",
            r"\b(?:gate|door|access|alarm|entry|lock|key)\s*codes?\b",
            r"\bkeys?\b",
            r"\block\s?box(?:es)?\b",
            r"\bpark(?:ing|ed)?\b",
            r"\bdriveway\b",
            r"\b(?:door\s?bell|buzzer|intercom)\b",
            r"\b(?:side|back|rear|front|basement|garage)\s+(?:door|entrance)\b",
            r"\bprefer(?:s|red)?\b",
            r"\b(?:call|phone|text|ring)\s+(?:first|ahead)\b",
            rf"\b(?:after|before|until|by)\s+{_TIME_OF_DAY}",
            r"\b(?:mornings?|afternoons?|evenings?|weekends?)\s+only\b",
        )
    ),
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True, slots=True)
class HeadsUp:
    """One thing to know before going, and who wrote it when."""

    text: str
    said_by: str | None
    said_at: dt.datetime


def sentences(text: str | None) -> list[str]:
    """A note cut into sentences, each trimmed; blank pieces dropped."""
    return [piece.strip() for piece in _SENTENCE_END.split(text or "") if piece.strip()]


def about_the_visit(sentence: str) -> bool:
    """Whether a sentence speaks of access or of dealing with the customer (see the module)."""
    return _ABOUT_THE_VISIT.search(sentence) is not None


def heads_up_category(category: str | None) -> bool:
    return (category or "").strip().casefold() in HEADS_UP_CATEGORIES


def _key(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".!")


def heads_ups(
    visits: Sequence[VisitRow], notes: Sequence[NoteRow], most: int = MOST_SHOWN
) -> list[HeadsUp]:
    """The heads-ups for a briefing, newest first, each said once, at most `most`."""
    found: list[HeadsUp] = []
    for note in notes:
        if heads_up_category(note.category):
            found.append(HeadsUp(note.text.strip(), note.author, note.created_at))
            continue
        found.extend(
            HeadsUp(sentence, note.author, note.created_at)
            for sentence in sentences(note.text)
            if about_the_visit(sentence)
        )
    for visit in visits:
        said_at = visit.completed_at or visit.scheduled_for
        found.extend(
            HeadsUp(sentence, visit.technician, said_at)
            for sentence in sentences(visit.tech_notes)
            if about_the_visit(sentence)
        )
    found.sort(key=lambda heads_up: heads_up.said_at, reverse=True)
    seen: set[str] = set()
    kept: list[HeadsUp] = []
    for heads_up in found:
        key = _key(heads_up.text)
        if key and key not in seen:
            seen.add(key)
            kept.append(heads_up)
    return kept[:most]
