"""The office's "tell the tech" message: a subject and body with a few named fields.

The template is an office setting (every desk sends the same words), kept as two rows of the
office settings table. Only the fields below may appear; anything else is refused with the
field named, so a typo never reaches a tech as `{custmer}`.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.models import OfficeSetting
from console.services.errors import InputError

FIELDS = ("tech_first_name", "customer", "outcome", "value", "salesperson", "spiff")
SUBJECT_KEY = "tell_tech_subject"
BODY_KEY = "tell_tech_body"
MAX_SUBJECT = 200
MAX_BODY = 10_000

DEFAULT_SUBJECT = "Your referral for {customer}: {outcome}"
DEFAULT_BODY = """Hi {tech_first_name},

Your referral for {customer} is {outcome}.
Value: {value}
Salesperson: {salesperson}
Your spiff: {spiff}

Thank you for the referral. Keep them coming!

The office"""

_THANKS = re.compile(r"\bthank", re.IGNORECASE)


@dataclass(frozen=True)
class TellTechTemplate:
    subject: str = DEFAULT_SUBJECT
    body: str = DEFAULT_BODY


def thanks(text: str) -> bool:
    """The message thanks the tech: sending it records "thanked" as well as "told"."""
    return bool(_THANKS.search(text))


def check_template_text(text: str, part: str) -> None:
    """Refuse a field the template cannot fill, a format spec or a stray brace, naming it."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise InputError(
            f"template {part}", f"{error}; write a literal brace as {{{{ or }}}}"
        ) from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in FIELDS:
            shown = "{" + name + "}"
            raise InputError(
                f"template {part}",
                f"{shown} is not a field; fields are: "
                + ", ".join("{" + field + "}" for field in FIELDS),
            )
        if spec or conversion:
            raise InputError(
                f"template {part}", f"write {{{name}}} alone, without ':' or '!' after the name"
            )


def check_template(template: TellTechTemplate) -> None:
    if not template.subject.strip():
        raise InputError("template subject", "must not be empty")
    if "\n" in template.subject.strip() or "\r" in template.subject:
        raise InputError("template subject", "must be one line")
    if len(template.subject) > MAX_SUBJECT:
        raise InputError("template subject", f"at most {MAX_SUBJECT} characters")
    if not template.body.strip():
        raise InputError("template body", "must not be empty")
    if len(template.body) > MAX_BODY:
        raise InputError("template body", f"at most {MAX_BODY} characters")
    check_template_text(template.subject, "subject")
    check_template_text(template.body, "body")


def load_template(session: Session) -> TellTechTemplate:
    stored = {
        row.key: row.value
        for row in session.execute(
            select(OfficeSetting.key, OfficeSetting.value).where(
                OfficeSetting.key.in_((SUBJECT_KEY, BODY_KEY))
            )
        )
    }
    # Stored as JSON, like every other office setting.
    subject = json.loads(stored[SUBJECT_KEY]) if SUBJECT_KEY in stored else DEFAULT_SUBJECT
    body = json.loads(stored[BODY_KEY]) if BODY_KEY in stored else DEFAULT_BODY
    return TellTechTemplate(subject=str(subject), body=str(body))


def save_template(session: Session, template: TellTechTemplate) -> None:
    """Store the office's template once it is checked; a refused one writes nothing."""
    check_template(template)
    session.merge(OfficeSetting(key=SUBJECT_KEY, value=json.dumps(template.subject.strip())))
    session.merge(OfficeSetting(key=BODY_KEY, value=json.dumps(template.body)))
    session.flush()


def fill(template: TellTechTemplate, values: dict[str, str]) -> tuple[str, str]:
    """The subject and body with the fields filled in."""
    check_template(template)
    return template.subject.strip().format(**values), template.body.format(**values)
