"""Errors the services raise for the user to act on; each names the field it is about."""

from __future__ import annotations


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
