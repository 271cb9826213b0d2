"""An information-point table (信息点表: point id, room, switch, port, what is plugged
in) imported as InformationPoint CIs, one change set of source `register` per file, each
point PATCHED_TO the switch port it names: the Interface of that name on the
NetworkDevice of that host name. A port not known yet waits as the ingest's pending link
(cmdb.ingest) until discovery records it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audits.register.errors import RegisterError
from audits.register.facts import EVIDENCE, SOURCE
from audits.register.headings import Header, find_header
from audits.register.importer import ImportReport
from audits.register.read import Grid, collect_grid
from audits.register.rows import RowProblem, cell_text, is_subtotal
from audits.register.vocabulary import POINT_FIELDS, point_vocabulary, read_mapping
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.validate import InvalidObservation

ATTRIBUTES = {"point_id": "point_id", "room": "room", "endpoint": "endpoint",
              "remark": "description"}  # fmt: skip


@dataclass(frozen=True)
class PointsFile:
    """An information-point table as read: what would be imported, the rows refused."""

    report: ImportReport  # rows imported, refused and skipped; no counts yet
    cis: list[dict[str, Any]]
    links: list[dict[str, Any]]


def read_points(path: Path, sheet: str | None = None, mapping: Path | None = None) -> PointsFile:
    words = point_vocabulary()
    if mapping is not None:
        words = words.with_mapping(read_mapping(mapping, POINT_FIELDS))
    grid = collect_grid(path, sheet)
    header = find_header(grid, words, ("point_id",))
    out = PointsFile(ImportReport(path, grid.sheet, header, [], [], [], []), [], [])
    seen: dict[str, int] = {}
    for index in range(header.row + 1, len(grid.rows)):
        values = _values(grid, header, index)
        if not any(values.values()) or is_subtotal(list(values.values())):
            out.report.skipped.append(index + 1)
            continue
        reason = _refusal(values, seen)
        if reason:
            out.report.problems.append(RowProblem(str(path), grid.sheet, index + 1, *reason))
            continue
        point = values["point_id"]
        seen[point] = index + 1
        out.report.imported.append(index + 1)
        attrs = {a: values[f] for f, a in ATTRIBUTES.items() if values.get(f)}
        out.cis.append({"key": f"row {index + 1}", "class": "InformationPoint",
                        "attributes": {"name": point, **attrs}})  # fmt: skip
        if values.get("switch"):
            out.links.append(_patch(f"row {index + 1}", values["switch"], values["port"]))
    return out


def import_points(
    ingestor: Ingestor, points: PointsFile, actor: str = "register", dry_run: bool = False
) -> ImportReport:
    """The table's points ingested as one change set (planned only, for a dry run)."""
    report = points.report
    if not points.cis:
        return report
    changeset = ChangeSet.model_validate({
        "source": SOURCE, "actor": actor, "observed_at": datetime.now(UTC),
        "reason": f"information points {report.path.name}", "cis": points.cis,
        "links": points.links,
    })  # fmt: skip
    try:
        report.record(ingestor.ingest(changeset, dry_run=dry_run))
    except InvalidObservation as exc:
        raise RegisterError(f"{report.path}: {exc}") from None
    return report


def _values(grid: Grid, header: Header, index: int) -> dict[str, str]:
    cells = grid.rows[index]
    return {
        c.field: cell_text(cells[c.index] if c.index < len(cells) else None) for c in header.columns
    }


def _refusal(values: dict[str, str], seen: dict[str, int]) -> tuple[str, str] | None:
    """(column, reason) when a row cannot be imported."""
    point = values.get("point_id")
    if not point:
        return "", "no point id (信息点编号)"
    if point in seen:
        return "", f"point {point} is on row {seen[point]} already"
    if bool(values.get("switch")) != bool(values.get("port")):
        return "", "a switch port needs both the switch (交换机) and the port (端口)"
    return None


def _patch(point: str, switch: str, port: str) -> dict[str, Any]:
    device = {"class": "NetworkDevice", "identifiers": {"hostname": switch}}
    target = {"class": "Interface", "identifiers": {"name": port}, "parent": device}
    return {"type": "PATCHED_TO", "source": {"ref": point}, "target": target,
            "evidence": EVIDENCE}  # fmt: skip
