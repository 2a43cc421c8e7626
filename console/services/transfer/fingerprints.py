"""Rows a re-import has seen before, recognised by a digest of their cells.

A nightly export repeats mostly unchanged rows. Each imported row leaves a fingerprint: a
digest of its cells as read and of everything that gave them their meaning (the kind, the
columns present, the mapping, the decimal mark and day order asked for and decided). A row
whose fingerprint is stored, and whose record still exists, is counted unchanged without
being typed, resolved or compared. Every other row takes the full path, and its fingerprint
is written in the import's transaction once the row is.

A fingerprint is 12 bytes of the cells (keyed by the kind, columns and mapping) and a
4-byte tag of the formats. The cells can be matched while the formats are still being
decided, in the same reading of the file, and the tag settles it once they are. The cells
are hashed a chunk at a time in C (pandas' keyed SipHash), not row by row in Python: a
re-import of a million rows hashes them all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from pandas.util import hash_array
from sqlalchemy import Connection, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite

from console.models import Base, ImportFingerprint
from console.models.import_fingerprint import FINGERPRINT_BYTES
from console.services.office.clock import office_zone
from console.services.transfer.kinds import Kind
from console.services.transfer.values import ColumnFormat

# Raised whenever what a cell means changes in the code, so no old fingerprint is trusted.
FINGERPRINT_VERSION = 2
LOOKUP_IDS = 20_000
EVERY_STORED_RUN = 50_000
CELLS_BYTES = 12
TAG_BYTES = FINGERPRINT_BYTES - CELLS_BYTES
# The cells' digest as numbers: its first 8 bytes (a sort key) and its last 4.
CELLS = np.dtype([("key", "<u8"), ("rest", "<u4")])
SEPARATOR = "\x1f"  # the unit separator; a row with one in a cell has its cells escaped


class Fingerprints:
    """Digests one kind's rows, finds the unchanged ones, and stores the new digests."""

    def __init__(
        self,
        connection: Connection,
        kind: Kind,
        columns: list[str],
        *,
        role: str | None,
        mapping: dict[str, str] | None,
        store: bool = True,
    ) -> None:
        self.connection = connection
        self.writes = store
        self.kind = kind
        self.columns = list(columns)
        self.present = [name for name in columns if name in kind.columns]
        # Where the present columns stand in the file's rows.
        self.positions = [at for at, name in enumerate(columns) if name in kind.columns]
        meaning = repr(
            (FINGERPRINT_VERSION, kind.name, self.present, sorted((mapping or {}).items()))
        )
        # The hash keys (16 characters each) carry the meaning into every digest.
        self.keys = (_key(meaning, b"cells"), _key(meaning, b"check"))
        self.tag = b""
        self.table: Table = ImportFingerprint.__table__  # type: ignore[assignment]
        self.target: Table = Base.metadata.tables[kind.table]
        self.role = role
        self.upsert = _upsert(connection, self.table)
        self.lookup, self.ids = _lookup(connection, kind.table, role is not None)
        self.lookup_head: tuple[str, ...] = (kind.name, role) if role is not None else (kind.name,)
        self.mark = "%s" if connection.dialect.name == "postgresql" else "?"

    def decided(
        self, formats: dict[str, ColumnFormat], decimal: str | None, day_first: bool | None
    ) -> None:
        """The formats the cells are read with: the tag of every fingerprint from now on."""
        # Times without a zone are read in the office's zone: another zone, another reading.
        told = repr(
            (
                str(office_zone()),
                decimal,
                day_first,
                sorted((name, form.decimal, form.day_first) for name, form in formats.items()),
            )
        )
        self.tag = hashlib.blake2b(told.encode(), digest_size=TAG_BYTES).digest()

    def digests(self, frame: pd.DataFrame) -> tuple[list[str], list[bytes]]:
        """Each row's external id (as written, trimmed) and its whole fingerprint."""
        assert self.tag, "the formats are decided first"
        ids, cells = self.cell_digests(frame)
        tag = self.tag
        return ids, [digest + tag for digest in cells]

    def cell_digests(self, frame: pd.DataFrame) -> tuple[list[str], list[bytes]]:
        """Each row's external id (as written, trimmed) and the digest of its cells."""
        ids = [cell.strip() for cell in frame["external_id"].tolist()]
        return ids, self.present_digests(frame[self.present].to_numpy().tolist())

    def row_digests(self, rows: Iterable[Sequence[str]]) -> npt.NDArray[np.void]:
        """The digests (as `CELLS` records) of rows as the file gives them, all columns.

        The same digests `cell_digests` makes of the rows' frame, without building one.
        """
        if self.positions == list(range(len(self.columns))):
            return self.digest_array(rows)
        positions = self.positions
        return self.digest_array([row[at] for at in positions] for row in rows)

    def present_digests(self, rows: Iterable[Sequence[str]]) -> list[bytes]:
        """The digest of each row given as its cells in the kind's columns the file has."""
        blob = self.digest_array(rows).tobytes()
        return [blob[start : start + CELLS_BYTES] for start in range(0, len(blob), CELLS_BYTES)]

    def digest_array(self, rows: Iterable[Sequence[str]]) -> npt.NDArray[np.void]:
        """The digests of rows given as their present cells, computed a chunk at a time.

        The cells are joined by the unit separator (escaped in the rare row that holds it)
        and the texts hashed in C by two keyed SipHash runs: 64 bits of one and 32 of the
        other make the cells' 12 bytes.
        """
        rows = rows if isinstance(rows, list) else list(rows)
        texts = list(map(SEPARATOR.join, rows))
        width = len(self.present) - 1
        if "".join(texts).count(SEPARATOR) != width * len(texts):
            texts = [
                text if text.count(SEPARATOR) == width else SEPARATOR.join(map(_escaped, cells))
                for text, cells in zip(texts, rows, strict=True)
            ]
        try:
            first, second = _hashed(texts, self.keys)
        except UnicodeEncodeError:  # a lone surrogate, from a workbook's cell
            encoded = [text.encode("utf-8", "surrogatepass") for text in texts]
            first, second = _hashed(encoded, self.keys)
        digests = np.empty(len(texts), dtype=CELLS)
        digests["key"] = first
        digests["rest"] = second & 0xFFFFFFFF
        return digests

    def unchanged(self, ids: list[str], digests: list[bytes]) -> list[bool]:
        """Whether each row's fingerprint is stored and its record is still there."""
        stored = self.stored(id_ for id_ in ids if id_)
        return [stored.get(id_) == digest for id_, digest in zip(ids, digests, strict=True)]

    def stored(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The fingerprints stored for these ids whose records still exist."""
        wanted = list(dict.fromkeys(ids))
        found: dict[str, bytes] = {}
        # The driver's own cursor, in the import's transaction: a million rows read back
        # as plain tuples rather than result rows.
        cursor = self.connection.connection.cursor()
        try:
            for start in range(0, len(wanted), LOOKUP_IDS):
                part = wanted[start : start + LOOKUP_IDS]
                cursor.execute(self.lookup, (*self.lookup_head, self.ids(part)))
                found.update(cursor.fetchall())
        finally:
            cursor.close()
        return found

    def stored_count(self) -> int:
        """How many fingerprints of this kind are stored, whether or not their records exist."""
        sql = "SELECT count(*) FROM import_fingerprints WHERE kind = " + self.mark
        return int(self.connection.exec_driver_sql(sql, (self.kind.name,)).scalar_one())

    def every_stored(self) -> Iterator[bytes]:
        """Every stored fingerprint of this kind whose record exists, in runs of digests.

        Each run is the digests of many rows one after another, FINGERPRINT_BYTES each:
        a million of them fit in a few runs of plain bytes rather than a million objects.
        """
        mark = self.mark
        role = f" AND t.role = {mark}" if self.role is not None else ""
        sql = (
            f"SELECT f.digest FROM import_fingerprints AS f"
            f" JOIN {self.kind.table} AS t ON t.external_id = f.external_id"
            f" WHERE f.kind = {mark}{role}"
        )
        cursor = self.connection.connection.cursor()
        try:
            cursor.execute(sql, self.lookup_head)
            while part := cursor.fetchmany(EVERY_STORED_RUN):
                yield b"".join(digest for (digest,) in part if len(digest) == FINGERPRINT_BYTES)
        finally:
            cursor.close()

    def store(self, rows: list[tuple[str, bytes]]) -> None:
        """Write (external id, digest) pairs, replacing what was stored for those ids.

        A dry run stores nothing: its rows were never written.
        """
        if rows and self.writes:
            kind = self.kind.name
            self.connection.exec_driver_sql(self.upsert.sql, self.upsert.parameters(kind, rows))


def _key(meaning: str, person: bytes) -> str:
    return hashlib.blake2b(meaning.encode(), digest_size=8, person=person).hexdigest()


def _hashed(
    texts: list[str] | list[bytes], keys: tuple[str, str]
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    values = np.array(texts, dtype=object)
    first, second = (hash_array(values, hash_key=key, categorize=False) for key in keys)
    return first, second


def _escaped(cell: str) -> str:
    return cell.replace("\x1b", "\x1b\x1b").replace(SEPARATOR, "\x1b\x1f")


def _lookup(
    connection: Connection, table: str, by_role: bool
) -> tuple[str, Callable[[list[str]], Any]]:
    """The stored digests of a list of external ids, as one plain statement.

    The ids travel as one parameter (a JSON array on SQLite, an array on PostgreSQL), which
    spares building and binding thousands of placeholders. Joined to the records: a record
    deleted at the desk has no fingerprint to match, and its row is imported afresh.
    """
    ids: Callable[[list[str]], Any]
    if connection.dialect.name == "postgresql":
        mark, within, ids = "%s", "= ANY(%s)", list
    else:
        mark, within, ids = "?", "IN (SELECT value FROM json_each(?))", json.dumps
    role = f" AND t.role = {mark}" if by_role else ""
    sql = (
        f"SELECT f.external_id, f.digest FROM import_fingerprints AS f"
        f" JOIN {table} AS t ON t.external_id = f.external_id"
        f" WHERE f.kind = {mark}{role} AND f.external_id {within}"
    )
    return sql, ids


class _Upsert:
    """One compiled INSERT … ON CONFLICT DO UPDATE, fed plain tuples or dicts."""

    def __init__(self, sql: str, positional: bool, order: list[str]) -> None:
        self.sql = sql
        self.positional = positional
        self.order = order

    def parameters(self, kind: str, rows: list[tuple[str, bytes]]) -> list[Any]:
        if self.positional:
            assert self.order == ["kind", "external_id", "digest"], self.order
            return [(kind, external_id, digest) for external_id, digest in rows]
        return [{"kind": kind, "external_id": e, "digest": d} for e, d in rows]


def _upsert(connection: Connection, table: Table) -> _Upsert:
    dialect = connection.dialect
    values: dict[str, Any] = {name: bindparam(name) for name in ("kind", "external_id", "digest")}
    if dialect.name == "postgresql":
        pg = postgresql.insert(table).values(values)
        statement: Any = pg.on_conflict_do_update(
            index_elements=[table.c.kind, table.c.external_id],
            set_={"digest": pg.excluded.digest},
        )
    else:
        lite = sqlite.insert(table).values(values)
        statement = lite.on_conflict_do_update(
            index_elements=[table.c.kind, table.c.external_id],
            set_={"digest": lite.excluded.digest},
        )
    compiled = statement.compile(dialect=dialect)
    return _Upsert(str(compiled), bool(compiled.positional), list(compiled.positiontup or ()))


class Prescan:
    """Matches rows by their cells while the formats pass reads the file; keeps the others.

    When every matched row's tag turns out to be that of the formats decided, and the rows
    left for the full path fit in `limit`, the import needs no second reading of the file.
    Past the limit (a first import, a file mostly changed) it stops looking: the import then
    reads the file again and matches each chunk as it goes.
    """

    def __init__(
        self,
        fingerprints: Fingerprints,
        limit: int,
        on_frame: Callable[[int], None] = lambda rows: None,
    ) -> None:
        self.fingerprints = fingerprints
        self.limit = limit
        self.on_frame = on_frame
        self.seen: dict[str, int] = {}
        self.pending: set[str] = set()
        self.tags: dict[bytes, int] = {}
        self.kept: list[pd.DataFrame] | None = []
        self.kept_rows = 0
        self.rows = 0
        self.complete = False

    def frames(self, chunks: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        """`chunks` passed through, looked at on the way."""
        for frame in chunks:
            self.rows += len(frame)
            if self.kept is not None:
                self._take(frame)
            self.on_frame(self.rows)
            yield frame
        self.complete = True

    def _take(self, frame: pd.DataFrame) -> None:
        ids, cells = self.fingerprints.cell_digests(frame)
        stored = self.fingerprints.stored(id_ for id_ in ids if id_)
        seen, pending, tags = self.seen, self.pending, self.tags
        keep: list[bool] = []
        for line, external_id, digest in zip(frame.index.tolist(), ids, cells, strict=True):
            found = stored.get(external_id)
            if (
                found is not None
                and found[:CELLS_BYTES] == digest
                and external_id not in seen
                and external_id not in pending
            ):
                seen[external_id] = line
                tag = found[CELLS_BYTES:]
                tags[tag] = tags.get(tag, 0) + 1
                keep.append(False)
            else:
                pending.add(external_id)
                keep.append(True)
        kept = sum(keep)
        if kept and self.kept is not None:
            self.kept_rows += kept
            if self.kept_rows > self.limit:
                self.kept = None
                self.seen, self.pending, self.tags = {}, set(), {}
            else:
                self.kept.append(frame[keep])

    def unchanged(self) -> int | None:
        """How many rows are unchanged when the kept rows are all that is left; else None."""
        if not self.complete or self.kept is None:
            return None
        if any(tag != self.fingerprints.tag for tag in self.tags):
            return None
        return sum(self.tags.values())
