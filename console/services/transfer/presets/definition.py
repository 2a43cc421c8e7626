"""A preset file read into what recognition and the derived tables need.

Loading checks the file whole: an unknown key, a rule that is not one, or a kind the
console does not have is refused naming the preset file, so a new preset fails at once.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.services.transfer.file_problem import FileProblem
from console.services.transfer.kinds import KINDS
from console.services.transfer.presets.rules import (
    GROUP,
    Rule,
    compile_rule,
    heading_key,
    heading_pattern,
)

PRESET_KEYS = {"name", "title", "source", "dates", "signature", "aliases", "kinds"}
KIND_KEYS = {"kind", "columns", "unique", "when", "repeat"}


@dataclass(frozen=True)
class KindPlan:
    """How one kind's rows come out of the source: a rule per column, and which rows count."""

    kind: str
    columns: tuple[str, ...]
    rules: tuple[Rule, ...]
    unique: bool
    when: tuple[Rule, ...]
    repeat: str | None


@dataclass(frozen=True)
class Definition:
    """A preset as read from its file (or made for one of the console's own kinds)."""

    name: str
    title: str
    source: str
    kinds: tuple[str, ...]
    signature: tuple[str, ...] = ()
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plans: tuple[KindPlan, ...] = ()
    headings: frozenset[str] = frozenset()
    month_first: bool = True
    own_columns: frozenset[str] = frozenset()
    """For the console's own format: the kind's columns, which the header must be."""

    def positions(self, header: Sequence[str]) -> dict[str, int]:
        """Heading key → its column in `header`, old spellings read as their current name."""
        keys = [heading_key(name) for name in header]
        positions: dict[str, int] = {}
        for index, key in enumerate(keys):
            positions.setdefault(key, index)
        for canonical, spellings in self.aliases.items():
            if GROUP in canonical:
                self._group_aliases(canonical, spellings, keys, positions)
                continue
            wanted = heading_key(canonical)
            if wanted in positions:
                continue
            for spelling in spellings:
                if (found := positions.get(heading_key(spelling))) is not None:
                    positions[wanted] = found
                    break
        return positions

    @staticmethod
    def _group_aliases(
        canonical: str, spellings: Sequence[str], keys: list[str], positions: dict[str, int]
    ) -> None:
        for spelling in spellings:
            pattern = heading_pattern(spelling)
            for index, key in enumerate(keys):
                if match := pattern.match(key):
                    wanted = heading_key(canonical.replace(GROUP, match.group(1)))
                    positions.setdefault(wanted, index)

    def missing(self, header: Sequence[str]) -> list[str]:
        """The signature's headings the header lacks (all present: the preset fits)."""
        if self.own_columns:
            names = {heading_key(name) for name in header if name.strip()}
            own = {heading_key(name) for name in self.own_columns}
            return sorted(self.own_columns) if names != own else []
        positions = self.positions(header)
        return [
            name
            for name in self.signature
            if heading_key(name.replace(GROUP, "1")) not in positions
        ]

    def score(self, header: Sequence[str]) -> tuple[int, int] | None:
        """How well the header fits: (signature size, headings found); None when it does not."""
        if self.missing(header):
            return None
        if self.own_columns:
            return (len(self.own_columns), len(self.own_columns))
        positions = self.positions(header)
        found = sum(1 for name in self.headings if heading_key(name) in positions)
        return (len(self.signature), found)

    def groups(self, plan: KindPlan, header: Sequence[str]) -> list[str]:
        """The numbers N of a repeated group (`Address_N …`) present in the header."""
        if plan.repeat is None:
            return [""]
        pattern = heading_pattern(plan.repeat)
        numbers = {
            int(match.group(1))
            for key in self.positions(header)
            if (match := pattern.match(key)) is not None
        }
        return [str(number) for number in sorted(numbers)]


def load_definition(path: Path) -> Definition:
    """Read and check one preset file."""
    where = f"preset file {path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise FileProblem(f"{where}: {error}") from None
    unknown = sorted(set(data) - PRESET_KEYS)
    if unknown:
        raise FileProblem(f"{where}: unknown keys {', '.join(unknown)}")
    for key in ("name", "title", "source", "signature", "kinds"):
        if key not in data:
            raise FileProblem(f"{where}: {key} is missing")
    if data.get("dates", "month-first") not in ("month-first", "day-first"):
        raise FileProblem(f"{where}: dates is month-first or day-first")
    aliases = {
        str(name): tuple(str(spelling) for spelling in spellings)
        for name, spellings in dict(data.get("aliases", {})).items()
    }
    plans = tuple(
        plan
        for number, spec in enumerate(data["kinds"], 1)
        if (plan := _plan(spec, f"{where}, kinds #{number}")) is not None
    )
    headings = set(_headings(data["kinds"])) | set(data["signature"])
    return Definition(
        name=str(data["name"]),
        title=str(data["title"]),
        source=str(data["source"]),
        kinds=tuple(plan.kind for plan in plans),
        signature=tuple(str(name) for name in data["signature"]),
        aliases=aliases,
        plans=plans,
        headings=frozenset(name for name in headings if GROUP not in name),
        month_first=data.get("dates", "month-first") == "month-first",
    )


def _plan(spec: dict[str, Any], where: str) -> KindPlan | None:
    """One kind's rules; None for a kind this console does not have (yet)."""
    unknown = sorted(set(spec) - KIND_KEYS)
    if unknown:
        raise FileProblem(f"{where}: unknown keys {', '.join(unknown)}")
    kind = KINDS.get(str(spec.get("kind")))
    if kind is None:
        return None
    columns = [
        (name, rule) for name, rule in dict(spec.get("columns", {})).items() if name in kind.columns
    ]
    if not columns or columns[0][0] != "external_id":
        raise FileProblem(f"{where}: the first column is external_id")
    return KindPlan(
        kind=kind.name,
        columns=tuple(name for name, _rule in columns),
        rules=tuple(compile_rule(rule, f"{where}, column {name}") for name, rule in columns),
        unique=bool(spec.get("unique", False)),
        when=tuple(compile_rule(rule, f"{where}, when") for rule in spec.get("when", [])),
        repeat=str(spec["repeat"]) if "repeat" in spec else None,
    )


def _headings(spec: Any) -> list[str]:
    """Every heading a rule (or a list or table of rules) reads, for scoring a header's fit."""
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, list):
        return [name for part in spec for name in _headings(part)]
    if not isinstance(spec, dict):
        return []
    found: list[str] = []
    for key in ("copy", "first", "join", "id", "when"):
        found.extend(_headings(spec.get(key)))
    if isinstance(spec.get("columns"), dict):
        found.extend(_headings(list(spec["columns"].values())))
    return found


def own_format(kind: str) -> Definition:
    """The console's own export of `kind` as a preset: recognised when the header is its columns."""
    return Definition(
        name=f"console-{kind}",
        title=f"Dispatch Console {kind} export",
        source=f"dispatch-console export {kind}",
        kinds=(kind,),
        own_columns=frozenset(KINDS[kind].columns),
    )
