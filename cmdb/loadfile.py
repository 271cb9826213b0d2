"""Read observation files (YAML or JSON) into change sets, with file and line in errors.

A file is one change set (`source`, `actor`, `cis`, `links`, ...) or a list of them under
`changesets:`. `observed_at` defaults to the time of loading. `check_document` also passes
each change set to a check (the Ingestor's validation) while the file's lines are at
hand, so that a semantic error names the file, the line and the change set's index too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from cmdb.errors import LoadFileError, ObservationError
from cmdb.observations import ChangeSet
from cmdb.validate import InvalidObservation
from cmdb.yamlfile import LineDict, YAMLFileError, line_of, load_yaml

Checked = TypeVar("Checked")


def read_changesets(path: Path, now: datetime | None = None) -> list[ChangeSet]:
    return check_document(path, read_document(path), _as_read, now)


def _as_read(changeset: ChangeSet) -> ChangeSet:
    return changeset


def read_document(path: Path) -> Any:
    """A change-set file as read, within the input limits of cmdb/yamlfile.py: a hostile
    file is refused here, before anything connects to the graph."""
    try:
        return load_yaml(path)  # JSON is YAML too
    except YAMLFileError as exc:
        raise LoadFileError(str(exc)) from None


def check_document(
    path: Path, document: Any, check: Callable[[ChangeSet], Checked], now: datetime | None = None
) -> list[Checked]:
    """Every change set of the file's document, each passed through `check`; the first
    problem raises LoadFileError: `FILE:LINE: changesets[1] (source ssh): cis[0] (key 'x'),
    field 'attributes.cpu_count': expected integer, got 'eight'`."""
    if not isinstance(document, dict):
        raise LoadFileError(f"{path}:1: expected a mapping with cis/links or changesets")
    if "changesets" in document:
        items = document["changesets"]
        if not isinstance(items, list):
            raise LoadFileError(f"{path}:{line_of(document, ['changesets'])}: expected a list")
        located: list[tuple[Any, list[Any]]] = [
            (item, ["changesets", i]) for i, item in enumerate(items)
        ]
    else:
        located = [(document, [])]
    now = now or datetime.now(UTC)
    out = []
    for item, loc in located:
        name = f"changesets[{loc[1]}]" if loc else "change set"
        if not isinstance(item, dict):
            raise LoadFileError(f"{path}:{line_of(document, loc)}: {name}: expected a mapping")
        changeset = _parse(path, document, loc, name, item, now)
        try:
            out.append(check(changeset))
        except InvalidObservation as exc:
            line = line_of(document, [*loc, *exc.path])
            at = f"{exc.at}, " if exc.at else ""
            field = f"field {exc.field!r}: " if exc.field else ""
            raise LoadFileError(
                f"{path}:{line}: {name} ({changeset.describe()}): {at}{field}{exc.reason}"
            ) from None
        except ObservationError as exc:
            raise LoadFileError(f"{path}:{line_of(document, loc)}: {name}: {exc}") from None
    return out


def _parse(
    path: Path, document: Any, loc: list[Any], name: str, item: Any, now: datetime
) -> ChangeSet:
    data: dict[str, Any] = _plain(item)
    data.setdefault("observed_at", now)
    if isinstance(data["observed_at"], str):
        try:
            observed = datetime.fromisoformat(data["observed_at"])
            data["observed_at"] = observed if observed.tzinfo else observed.replace(tzinfo=UTC)
        except ValueError:
            line = line_of(document, [*loc, "observed_at"])
            raise LoadFileError(f"{path}:{line}: {name}: observed_at is not an ISO time") from None
    try:
        return ChangeSet.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        line = line_of(document, [*loc, *error["loc"]])
        where = _describe_loc(data, error["loc"])
        raise LoadFileError(f"{path}:{line}: {name}: {where}: {error['msg']}") from None


def _describe_loc(data: dict[str, Any], loc: Sequence[Any]) -> str:
    """A pydantic error location as the observation and field: `cis[0] (key 'x'), field
    'attributes.cpu_count'`."""
    parts = [str(p) for p in loc]
    if len(loc) >= 2 and loc[0] in ("cis", "links") and isinstance(loc[1], int):
        observation = f"{loc[0]}[{loc[1]}]"
        items = data.get(loc[0])
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        if loc[0] == "cis" and isinstance(item, dict) and isinstance(item.get("key"), str):
            observation += f" (key {item['key']!r})"
        rest = ".".join(parts[2:])
        return f"{observation}, field {rest!r}" if rest else observation
    return f"field {'.'.join(parts)!r}"


def _plain(value: Any) -> Any:
    """LineDict/LineList -> dict/list; YAML dates and times -> ISO text (naive = UTC)."""
    if isinstance(value, LineDict | dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def dump_json(changesets: list[ChangeSet]) -> str:
    return json.dumps(
        {"changesets": [cs.model_dump(mode="json", by_alias=True) for cs in changesets]}, indent=1
    )
