"""Finding a large file's unchanged rows in the same reading that decides its formats.

A nightly export repeats nearly every row of the last one. Its rows are read once, as the
reader gives them (tuples of text): each row's cells are digested and looked up among the
kind's stored fingerprints, all loaded once into sorted arrays (16 bytes a row, however
large the file), so a chunk is matched with a few array operations instead of a query and a
dictionary per row. Only the rows that could say how the file writes dates and amounts go
on to the formats decision, and only the rows that changed are kept for the full path.

Whatever the arrays cannot settle alone (an external id twice in the file, rows matched under
other formats, more changed rows than worth keeping) gives the scan up: the import then reads
the file again and matches each chunk by its ids, which handles every case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

import numpy as np
import numpy.typing as npt
import pandas as pd

from console.models.import_fingerprint import FINGERPRINT_BYTES
from console.services.transfer.fingerprints import CELLS, CELLS_BYTES, Fingerprints
from console.services.transfer.kinds import FieldType, Kind

Batch = tuple[list[int], list[tuple[str, ...]]]

# A fingerprint as stored: the cells' digest (its first 8 bytes the sort key) and the tag.
STORED = np.dtype([("key", "<u8"), ("rest", "<u4"), ("tag", "<u4")])
# A stored fingerprint per this many file rows makes loading them all worth it.
BULK_STORED_PER_ROW = 4
DATE_TYPES = (FieldType.DATE, FieldType.DATETIME)
ASCII_DIGITS = (ord("0"), ord("9"))


class StoredDigests:
    """The kind's stored fingerprints (of records that exist), sorted by their cells' digest."""

    def __init__(self, runs: Iterable[bytes]) -> None:
        stored = np.frombuffer(b"".join(runs), dtype=STORED)
        assert STORED.itemsize == FINGERPRINT_BYTES
        order = np.argsort(stored["key"], kind="stable")
        self.keys = np.ascontiguousarray(stored["key"][order])
        self.rests = np.ascontiguousarray(stored["rest"][order])
        self.tags = np.ascontiguousarray(stored["tag"][order])
        # Which stored fingerprints a row of this file has matched already.
        self.matched = np.zeros(len(self.keys), dtype=bool)

    def __len__(self) -> int:
        return len(self.keys)

    def find(
        self, digests: npt.NDArray[np.void]
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.intp]]:
        """For each cells' digest: whether one is stored, and where (valid where it is)."""
        if not len(self.keys):
            return np.zeros(len(digests), dtype=bool), np.zeros(len(digests), dtype=np.intp)
        where = np.searchsorted(self.keys, digests["key"])
        where[where == len(self.keys)] = 0
        found = (self.keys[where] == digests["key"]) & (self.rests[where] == digests["rest"])
        return found, where

    def position(self, digest: bytes) -> int | None:
        """Where one stored fingerprint (as read back for an id) stands, if it is loaded."""
        found, where = self.find(np.frombuffer(digest[:CELLS_BYTES], dtype=CELLS))
        return int(where[0]) if found[0] else None


class UnchangedScan:
    """Matches whole chunks of rows while the formats pass reads the file; keeps the others.

    The same contract as `Prescan`: `frames` feeds the formats decision, and once the file is
    read, `unchanged()` says how many rows need nothing more (or None when the scan gave up)
    and `kept` holds the frames of the rows left for the full path.
    """

    def __init__(
        self,
        fingerprints: Fingerprints,
        kind: Kind,
        columns: list[str],
        decided: list[str],
        *,
        decimal: str | None,
        limit: int,
        frame: Callable[[list[int], list[tuple[str, ...]]], pd.DataFrame],
        on_frame: Callable[[int], None] = lambda rows: None,
    ) -> None:
        self.fingerprints = fingerprints
        self.stored = StoredDigests(fingerprints.every_stored())
        self.limit = limit
        self.frame = frame
        self.on_frame = on_frame
        self.identify = itemgetter(columns.index("external_id"))
        self.dates = [
            (name, columns.index(name)) for name in decided if kind.field(name).type in DATE_TYPES
        ]
        # Amounts only say something about the decimal mark when none was given.
        self.amounts = [
            (name, columns.index(name))
            for name in decided
            if kind.field(name).type is FieldType.MONEY and decimal is None
        ]
        self.tags: set[int] = set()
        self.kept_lines: list[int] = []
        self.kept_rows: list[tuple[str, ...]] | None = []
        self.matched = 0
        self.rows = 0
        self.complete = False
        self.seen: dict[str, int] = {}

    @property
    def kept(self) -> list[pd.DataFrame] | None:
        """The rows left for the full path, as frames of the file's columns."""
        if self.kept_rows is None:
            return None
        if not self.kept_rows:
            return []
        return [self.frame(self.kept_lines, self.kept_rows)]

    def frames(self, batches: Iterable[Batch]) -> Iterator[pd.DataFrame]:
        """The rows of `batches` that could tell a format, as frames of the decided columns."""
        for lines, rows in batches:
            self.rows += len(rows)
            if self.kept_rows is not None:
                self._take(lines, rows)
            self.on_frame(self.rows)
            evidence = self._evidence(lines, rows)
            if evidence is not None:
                yield evidence
        self.complete = True

    def unchanged(self) -> int | None:
        """How many rows are unchanged when the kept rows are all that is left; else None."""
        if not self.complete or self.kept_rows is None:
            return None
        if any(tag != int.from_bytes(self.fingerprints.tag, "little") for tag in self.tags):
            return None
        if self._kept_ids_matched():
            return None
        return self.matched

    def _take(self, lines: list[int], rows: list[tuple[str, ...]]) -> None:
        stored = self.stored
        found, where = stored.find(self.fingerprints.row_digests(rows))
        places = where[found]
        if len(places):
            if stored.matched[places].any():
                # An unchanged row twice: the full path tells which row repeats which.
                self._give_up()
                return
            stored.matched[places] = True
            if np.count_nonzero(stored.matched) != self.matched + len(places):
                self._give_up()  # twice within this chunk
                return
            self.tags.update(np.unique(stored.tags[places]).tolist())
            self.matched += len(places)
        if found.all():
            return
        assert self.kept_rows is not None
        changed = np.flatnonzero(~found).tolist()
        if len(self.kept_rows) + len(changed) > self.limit:
            self._give_up()
            return
        self.kept_rows.extend(rows[at] for at in changed)
        self.kept_lines.extend(lines[at] for at in changed)

    def _give_up(self) -> None:
        self.kept_rows = None
        self.kept_lines = []
        self.tags = set()

    def _kept_ids_matched(self) -> bool:
        """Whether a kept row's external id is also that of a row counted unchanged.

        The full path would have to name the two rows; the scan gives up and leaves it to it.
        """
        assert self.kept_rows is not None
        ids = {self.identify(row).strip() for row in self.kept_rows} - {""}
        if not ids or not self.matched:
            return False
        for digest in self.fingerprints.stored(ids).values():
            place = self.stored.position(digest)
            if place is not None and self.stored.matched[place]:
                return True
        return False

    def _evidence(self, lines: list[int], rows: list[tuple[str, ...]]) -> pd.DataFrame | None:
        """The rows whose dates or amounts could tell how the file writes them, if any.

        Dates starting with a four-digit year, and amounts without a mark, say nothing to
        the formats decision, nor do empty cells; the other rows go to it as they are, with
        their line numbers.
        """
        telling = np.zeros(len(rows), dtype=bool)
        columns: dict[str, list[str]] = {}
        for name, at in self.dates:
            cells = list(map(itemgetter(at), rows))
            columns[name] = cells
            # The first four characters as code points: a year is four ASCII digits.
            heads = np.array(cells, dtype="<U4").view(np.uint32).reshape(len(rows), 4)
            low, high = ASCII_DIGITS
            year = ((heads >= low) & (heads <= high)).all(axis=1)
            empty = heads[:, 0] == 0
            telling |= ~(year | empty)
        for name, at in self.amounts:
            cells = list(map(itemgetter(at), rows))
            columns[name] = cells
            telling |= np.fromiter(
                ("," in cell or "." in cell for cell in cells), dtype=bool, count=len(cells)
            )
        if not telling.any():
            return None
        chosen = np.flatnonzero(telling)
        index = [lines[at] for at in chosen.tolist()]
        return pd.DataFrame(
            {name: np.asarray(cells, dtype=object)[chosen] for name, cells in columns.items()},
            index=index,
        )


def worth_loading(fingerprints: Fingerprints, estimated_rows: int) -> bool:
    """Whether loading every stored fingerprint of the kind beats looking them up by id."""
    return fingerprints.stored_count() <= max(estimated_rows, 1) * BULK_STORED_PER_ROW
