"""Facts stage: register rows as one change set of source `register` (pure).

A row is a CI observation of its class carrying its identifiers (serial number, host
name), so the ingest's identification finds the CI it names (serial first); what a
register knows besides is a fact the source precedence (schema/precedence.yaml) weighs.
Its location (位置 > 机房 > 机柜: a Location, a Room within it, a Rack within that) is a
LOCATED_IN link, its department an OWNED_BY link to a Team (by name), its owner one to a
Person when the owner is written as an e-mail address (a Person is identified by e-mail
or employee id: a bare name identifies none, and the row says so), its contract a
COVERED_BY link to a Contract by number."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from audits.register.rows import RegisterRow, RowProblem
from cmdb.observations import ChangeSet
from cmdb.schema import Schema

SOURCE = "register"
EVIDENCE = "register"
# register field -> Device attribute
ATTRIBUTES = {
    "name": "name", "serial": "serial_number", "asset_tag": "asset_tag", "brand": "vendor",
    "model": "model", "hostname": "hostname", "warranty_end": "warranty_end",
    "remark": "description",
}  # fmt: skip


@dataclass
class Facts:
    changeset: ChangeSet
    rows: list[int]  # the sheet rows the change set holds
    problems: list[RowProblem] = field(default_factory=list)  # rows refused here
    notes: list[RowProblem] = field(default_factory=list)  # imported, part left out
    seen: dict[str, int] = field(default_factory=dict)  # identifier -> first row, so far


@dataclass
class _Builder:
    schema: Schema
    where: tuple[str, str]  # (path, sheet)
    cis: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowProblem] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)  # identifier -> first row
    recorded: dict[str, set[str]] = field(default_factory=dict)  # serial -> classes

    def ci(self, key: str, cls: str, parent: str | None = None, **attrs: Any) -> str:
        if key not in self.cis:
            fact: dict[str, Any] = {"key": key, "class": cls, "attributes": attrs}
            if parent:
                fact["parent"] = {"ref": parent}
            self.cis[key] = fact
        return key

    def link(self, kind: str, source: str, target: str) -> None:
        self.links.append({"type": kind, "source": {"ref": source}, "target": {"ref": target},
                           "evidence": EVIDENCE})  # fmt: skip

    def problem(self, row: int, reason: str, note: bool = False) -> None:
        (self.notes if note else self.problems).append(RowProblem(*self.where, row, "", reason))


def build_facts(
    rows: list[RegisterRow], schema: Schema, where: tuple[str, str], actor: str,
    reason: str, observed_at: datetime, kind_attributes: dict[str, str],
    recorded: dict[str, set[str]] | None = None, seen: Mapping[str, int] | None = None,
) -> Facts:  # fmt: skip
    """One change set for the rows; a row whose identifier an earlier row has, or that
    would make a CI of no class, is refused (a problem) and left out (`seen`: the
    identifiers of the rows of earlier parts of the file). `recorded`: the
    classes of the recorded CIs by serial number: a row names the CI of its serial in the
    class it is recorded in (discovery classified it), whatever the register calls it."""
    b = _Builder(schema, where, recorded=recorded or {}, seen=dict(seen or {}))
    kept: list[int] = []
    for row in rows:
        if _add_row(b, row, kind_attributes):
            kept.append(row.row)
    changeset = ChangeSet.model_validate({
        "source": SOURCE, "actor": actor, "observed_at": observed_at, "reason": reason,
        "cis": list(b.cis.values()), "links": b.links,
    })  # fmt: skip
    return Facts(changeset, kept, b.problems, b.notes, b.seen)


def _add_row(b: _Builder, row: RegisterRow, kind_attributes: dict[str, str]) -> bool:
    v = row.values
    attrs: dict[str, Any] = {}
    for field_name, attribute in ATTRIBUTES.items():
        value = v.get(field_name)
        if value is not None and not (attribute in ("serial_number", "hostname")
                                      and b.schema.is_junk(value)):  # fmt: skip
            attrs[attribute] = value.isoformat() if isinstance(value, date) else value
    if "serial_number" not in attrs and "hostname" not in attrs:
        b.problem(row.row, f"no identifier: serial number {v.get('serial')!r} is no identity")
        return False
    identity = f"serial {attrs['serial_number']}" if "serial_number" in attrs else (
        f"host name {attrs['hostname']}")  # fmt: skip
    if identity in b.seen:
        b.problem(row.row, f"{identity} is on row {b.seen[identity]} already")
        return False
    cls = _recorded_class(b, row, attrs.get("serial_number"))
    if cls is None:
        b.problem(row.row, f"no type, and {identity} is not on record: the type (设备类型) "
                  "names the class of a new CI")  # fmt: skip
        return False
    place = _place(b, row)
    b.seen[identity] = row.row
    if row.kind and cls == row.cls and cls in kind_attributes:
        attrs[kind_attributes[cls]] = row.kind
    device = b.ci(f"row {row.row}", cls, **attrs)
    if place is not None:
        b.link("LOCATED_IN", device, place)
    _owners(b, row, device)
    return True


def _recorded_class(b: _Builder, row: RegisterRow, serial: str | None) -> str | None:
    """The row's class: the one its serial is recorded in, else its type's (None: none)."""
    classes = b.recorded.get(serial or "", set())
    if not classes or row.cls in classes:
        return row.cls
    cls = sorted(classes)[0]
    if row.cls is None:
        return cls
    b.problem(row.row, f"type {row.values.get('type')!r} ({row.cls}): serial {serial} is "
              f"recorded as a {cls}, which it stays", note=True)  # fmt: skip
    return cls


def _place(b: _Builder, row: RegisterRow) -> str | None:
    """The key of the most specific place of the row (created with the places above it),
    None when it names none that can be identified: a room or rack is identified within
    its location, so one without a location is a note on the row, not a link."""
    location, room, rack = (row.values.get(f) for f in ("location", "room", "rack"))
    if not location:
        if room or rack:
            b.problem(row.row, "room (机房) or rack (机柜) not linked: it is identified within "
                      "its location (位置), which the row does not name", note=True)  # fmt: skip
        return None
    place = b.ci(f"location {location}", "Location", name=location)
    if room:
        place = b.ci(f"room {location}/{room}", "Room", parent=place, name=room)
    if rack:
        place = b.ci(f"rack {location}/{room or ''}/{rack}", "Rack", parent=place, name=rack)
    return place


def _owners(b: _Builder, row: RegisterRow, device: str) -> None:
    owner, department, contract = (row.values.get(f) for f in ("owner", "department", "contract"))
    if isinstance(owner, str):
        if "@" in owner:
            b.link("OWNED_BY", device, b.ci(f"person {owner}", "Person", email=owner))
        else:
            b.problem(row.row, f"owner {owner!r} not linked: a Person is identified by e-mail "
                      "or employee id, not by a name", note=True)  # fmt: skip
    if isinstance(department, str):
        b.link("OWNED_BY", device, b.ci(f"team {department}", "Team", name=department))
    if isinstance(contract, str):
        b.link("COVERED_BY", device,
               b.ci(f"contract {contract}", "Contract", contract_number=contract))  # fmt: skip
