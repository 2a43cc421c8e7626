"""Guards for slots that touch the database, so an outage becomes a banner, never a crash.

Views and dialogs have a `context`; dialogs also have an `error` label. A read that meets an
unreachable database leaves the screen as it was; a save keeps what the user typed and says so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from PySide6.QtWidgets import QLabel

from console.views.common.workers.off_thread import Superseded, call_off_thread, database_away

P = ParamSpec("P")
R = TypeVar("R")

NOT_SAVED_OFFLINE = (
    "Not saved: the database is not answering. What you typed is kept here;"
    " save again once the banner at the top of the window has gone."
)


class _HasContext(Protocol):
    context: Any


class _Form(_HasContext, Protocol):
    error: QLabel


class _Outage:
    """Swallows an error that means the database is away, after reporting it; `met` says so."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.met = False

    def __enter__(self) -> _Outage:
        return self

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> bool:
        if isinstance(error, Superseded):
            return True  # a newer read of the same thing is shown instead
        if error is None or not database_away(error):
            return False
        self.context.report_trouble(error)
        self.met = True
        return True


def survives_outage(
    method: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[Any, P], R | None]:
    """Skip the read while the database is away; an outage met on the way is reported."""

    @functools.wraps(method)
    def guarded(self: _HasContext, *args: P.args, **kwargs: P.kwargs) -> R | None:
        if not self.context.online:
            return None
        with _Outage(self.context):
            return method(self, *args, **kwargs)
        return None

    return guarded


def keeps_input_when_offline(
    method: Callable[Concatenate[Any, P], R],
) -> Callable[Concatenate[Any, P], R | None]:
    """A dialog's save that cannot reach the database leaves the dialog open, input untouched."""

    @functools.wraps(method)
    def guarded(self: _Form, *args: P.args, **kwargs: P.kwargs) -> R | None:
        with _Outage(self.context) as outage:
            return method(self, *args, **kwargs)
        if outage.met:
            self.error.setText(NOT_SAVED_OFFLINE)
            self.error.show()
        return None

    return guarded


class OutageSafePages:
    """A page source for a table model: an outage met while scrolling shows as the banner.

    `source` is the page source itself, for work off the GUI thread that handles its own errors.
    """

    def __init__(self, context: Any, source: Callable[..., list[Any]]) -> None:
        self.context = context
        self.source = source

    def __call__(self, *args: Any) -> list[Any]:
        if not self.context.online:
            return []
        source = self.source
        with _Outage(self.context):
            return call_off_thread(lambda: source(*args), give_up=self.context.hub.trouble)
        return []
