"""Writing a file the user named: checked first, written whole or not at all.

Every file the console writes for the user (reports, exports, backups, briefings) goes through
`atomic_output`:

    with atomic_output(path, suffixes=(".csv", ".xlsx")) as partial:
        frame.to_csv(partial)

The target is checked before any work (its folder exists and is writable, it is not a folder,
it can be replaced), the writer fills a temporary file beside it whose name ends in the same
suffix, and only a block that finishes renames that file over the target. A failure anywhere
removes the temporary file and leaves any earlier file at the target as it was. Problems the
user can act on are raised as OutputProblem, naming the path and the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


class OutputProblem(ValueError):
    """A file or folder the console was asked to write cannot be written; says which and why."""


def check_output_file(path: Path, suffixes: Sequence[str] = ()) -> Path:
    """`path` as a file the console can write or replace, or OutputProblem saying why not."""
    if path.is_dir():
        raise OutputProblem(f"{path} is a folder; name a file inside it")
    if not path.name or path.name in (".", ".."):
        raise OutputProblem(f"{path}: name a file to write")
    if suffixes and path.suffix.lower() not in suffixes:
        raise OutputProblem(f"{path}: the file name should end in {' or '.join(suffixes)}")
    _check_folder(path.parent, path)
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise OutputProblem(f"{path} exists and is not a regular file; it cannot be replaced")
        if not os.access(path, os.W_OK):
            raise OutputProblem(f"{path} is read-only; it cannot be replaced")
    return path


def _check_folder(folder: Path, path: Path) -> None:
    if not folder.exists():
        ancestor = next((p for p in folder.parents if p.exists()), None)
        if ancestor is not None and not ancestor.is_dir():
            raise OutputProblem(f"{path}: {ancestor} is a file, not a folder")
        raise OutputProblem(f"{path}: the folder {folder} does not exist")
    if not folder.is_dir():
        raise OutputProblem(f"{path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputProblem(f"{path}: the folder {folder} is not writable")


def prepare_output_folder(folder: Path) -> Path:
    """`folder` ready to receive files: made when missing (its parent must exist), else checked.

    For commands that write several files into a folder, such as the day's briefings.
    """
    if folder.exists() and not folder.is_dir():
        raise OutputProblem(f"{folder} is a file; name a folder to write into")
    if not folder.exists():
        _check_folder(folder.parent, folder)
        try:
            folder.mkdir()
        except OSError as error:
            raise OutputProblem(f"{folder}: cannot make the folder ({_reason(error)})") from None
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise OutputProblem(f"the folder {folder} is not writable")
    return folder


def partial_path(path: Path) -> Path:
    """A fresh temporary name beside `path`, ending in the same suffix so writers that look at
    the extension (pandas, openpyxl) still choose the right format."""
    return path.with_name(f".{path.stem}.{secrets.token_hex(4)}.part{path.suffix}")


@contextmanager
def atomic_output(path: Path, suffixes: Sequence[str] = ()) -> Iterator[Path]:
    """Check `path`, yield a temporary sibling to write, then rename it over `path`.

    `suffixes`, when given, are the accepted file name endings (lower case, with the dot).
    An OSError while writing or renaming becomes OutputProblem; any failure removes the
    temporary file.
    """
    check_output_file(path, suffixes)
    partial = partial_path(path)
    try:
        yield partial
        os.replace(partial, path)
    except OSError as error:
        raise OutputProblem(f"{path}: cannot write the file ({_reason(error)})") from None
    finally:
        partial.unlink(missing_ok=True)


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__
