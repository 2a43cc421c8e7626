"""The one refusal for a file that cannot be read as a table, shared by every reader."""

from __future__ import annotations


class FileProblem(ValueError):
    """The file as a whole cannot be read as a table; the message says why, on one line."""
