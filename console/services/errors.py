"""Errors the services raise for the user to act on; each names the field it is about."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm.exc import StaleDataError


class InputError(ValueError):
    """Bad input: `field` says which one, the message says why."""

    def __init__(self, field: str | None, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}" if field else message)


class NotFound(InputError):
    pass


class Conflict(RuntimeError):
    """Another desk changed the record since it was read; nothing was saved."""


@contextmanager
def stale_as_conflict(what: str) -> Iterator[None]:
    """A flush or commit that finds `what` changed or removed by another desk since it was read
    (SQLAlchemy's `StaleDataError`) becomes the `Conflict` the desk already knows how to show.

    `what` names the record in the user's words, e.g. "referral 12" or "the office rules".
    """
    try:
        yield
    except StaleDataError:
        raise Conflict(
            f"{what} was changed on another desk while you were working; nothing was saved"
        ) from None
