"""Read observation files (YAML or JSON) into change sets, with file and line in errors.

A file is one change set (`source`, `actor`, `cis`, `links`, ...) or a list of them under
`changesets:`. `observed_at` defaults to the time of loading.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cmdb.errors import LoadFileError
from cmdb.observations import ChangeSet
from cmdb.yamlfile import LineDict, YAMLFileError, line_of, load_yaml_text


def read_changesets(path: Path, now: datetime | None = None) -> list[ChangeSet]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadFileError(f"{path}: cannot read: {exc}") from None
    try:
        document = load_yaml_text(text, str(path))  # JSON is YAML too
    except YAMLFileError as exc:
        raise LoadFileError(str(exc)) from None
    if not isinstance(document, dict):
        raise LoadFileError(f"{path}:1: expected a mapping with cis/links or changesets")
    if "changesets" in document:
        items = document["changesets"]
        if not isinstance(items, list):
            raise LoadFileError(f"{path}:{line_of(document, ['changesets'])}: expected a list")
        located = [(item, ["changesets", i]) for i, item in enumerate(items)]
    else:
        located = [(document, [])]
    now = now or datetime.now(UTC)
    out = []
    for item, loc in located:
        if not isinstance(item, dict):
            raise LoadFileError(f"{path}:{line_of(document, loc)}: expected a mapping")
        data: dict[str, Any] = _plain(item)
        data.setdefault("observed_at", now)
        if isinstance(data["observed_at"], str):
            try:
                observed = datetime.fromisoformat(data["observed_at"])
                data["observed_at"] = observed if observed.tzinfo else observed.replace(tzinfo=UTC)
            except ValueError:
                line = line_of(document, [*loc, "observed_at"])
                raise LoadFileError(f"{path}:{line}: observed_at is not an ISO time") from None
        try:
            out.append(ChangeSet.model_validate(data))
        except ValidationError as exc:
            error = exc.errors()[0]
            err_loc = [*loc, *error["loc"]]
            where = ".".join(str(p) for p in error["loc"])
            line = line_of(document, err_loc)
            raise LoadFileError(f"{path}:{line}: {where}: {error['msg']}") from None
    return out


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
