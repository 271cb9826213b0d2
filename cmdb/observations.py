"""Observations: what discovery, imports and people hand to the core.

A ChangeSet is one unit of ingest (one target of a discovery run, one file, one manual
edit): it is written in one transaction, all of it or none. Its CI facts name a class
and attributes (identifier attributes included: the class's identification rules in
schema/ say which ones identify); its link facts name two endpoints, either a CI of the
same change set (`ref`) or any CI by class and identifiers.

These models check shape only (strict, no extra fields). Checking against the schema
(known class, attribute and type; complete identifier set) is `cmdb.validate`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Scalar = str | int | float | bool
Value = Scalar | list[str] | None
Key = Annotated[str, StringConstraints(min_length=1, max_length=512)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class CIRef(_Strict):
    """Points at a CI: a key of this change set, or a class with identifiers.

    `parent` is needed for classes whose identity is scoped to a parent (an Interface is
    identified by its name on its device).
    """

    ref: Key | None = None
    class_: str | None = Field(default=None, alias="class")
    identifiers: dict[str, Scalar] | None = None
    parent: CIRef | None = None


class CIObservation(_Strict):
    key: Key | None = None
    class_: str = Field(alias="class")
    attributes: dict[str, Value] = Field(default_factory=dict)
    parent: CIRef | None = None
    status: str | None = None


class LinkObservation(_Strict):
    type: str
    source: CIRef
    target: CIRef
    evidence: str = "manual"
    # what the relationship itself holds (a port's VLAN membership: tagged or not); kept
    # on the relationship, a change recorded in its history
    attributes: dict[str, Scalar] = Field(default_factory=dict)


class ChangeSet(_Strict):
    """One unit of ingest.

    `scope` certifies coverage: the change set holds everything `source` sees under that
    scope (one target, say). Open links this source reported under the scope and does
    not report now are closed; CIs last reported under it count a missed run.
    """

    source: str
    actor: str
    observed_at: AwareDatetime
    reason: str | None = None
    discovery_run: str | None = None
    change_request: str | None = None
    scope: str | None = None
    # What the scope certifies when only part of the target answered (an SNMP table that
    # timed out): only these relationship types are closed, only these classes count a
    # miss. None certifies everything.
    certified_links: list[str] | None = None
    certified_classes: list[str] | None = None
    cis: list[CIObservation] = Field(default_factory=list)
    links: list[LinkObservation] = Field(default_factory=list)

    def label(self) -> str:
        return f"change set ({self.describe()})"

    def describe(self) -> str:
        """What tells this change set from others: `source ssh, scope ssh:10.0.0.5`."""
        parts = [f"source {self.source}"]
        if self.scope:
            parts.append(f"scope {self.scope}")
        if self.discovery_run:
            parts.append(f"run {self.discovery_run}")
        return ", ".join(parts)


def utc(value: datetime) -> datetime:
    """Neo4j stores zoned datetimes; keep everything in UTC for comparable ordering."""
    from datetime import UTC

    return value.astimezone(UTC)
