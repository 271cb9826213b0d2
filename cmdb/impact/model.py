"""The typed contract of impact analysis: the request, the affected CIs with the paths
that explain them, and the result with its summaries (what change requests snapshot).

The plan itself: `cmdb.impact.impact_plan(request, settings)` (cmdb/impact/plan.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from cmdb.config import ImpactConfig
from cmdb.errors import CMDBError
from cmdb.impact.kept import TopologyCache
from cmdb.schema import Schema

State = Literal["DOWN", "DEGRADED"]
DOWN: State = "DOWN"
DEGRADED: State = "DEGRADED"


class ImpactError(CMDBError):
    """An impact question that cannot be answered as asked (a depth out of range)."""


class ImpactMode(StrEnum):
    """DOWN: the CIs fail. MAINTENANCE: the CIs are taken out of service for a change;
    the propagation is the same, the result says the cause is maintenance."""

    DOWN = "DOWN"
    MAINTENANCE = "MAINTENANCE"


@dataclass(frozen=True)
class ImpactRequest:
    uids: tuple[str, ...]
    mode: ImpactMode = ImpactMode.DOWN
    as_of: datetime | None = None
    max_depth: int = 12


@dataclass(frozen=True)
class ImpactSettings:
    """What a plan needs besides the request: the CI model (relationship types and their
    impact direction) and the `impact:` settings of cmdb.yaml (the network's roots)."""

    model: Schema
    config: ImpactConfig = field(default_factory=ImpactConfig)
    # the network read once per graph version and kept (a server's, shared by its
    # requests); None: read for each analysis (one-shot CLI commands)
    topologies: TopologyCache | None = None


@dataclass(frozen=True)
class PathStep:
    """One CI on a path; `relationship`/`direction` name the link from it to the next CI
    (None on the last step). direction: "out" (this CI is the link's source) or "in"."""

    uid: str
    name: str | None
    class_name: str
    relationship: str | None = None
    direction: str | None = None


@dataclass(frozen=True)
class ContractSLA:
    uid: str
    name: str | None
    contract_number: str | None
    response_time_hours: float | None
    onsite_time_hours: float | None
    fix_time_hours: float | None
    end_date: date | None


@dataclass(frozen=True)
class AffectedCI:
    uid: str
    name: str | None
    class_name: str
    state: State
    depth: int
    paths: tuple[tuple[PathStep, ...], ...]
    owners: tuple[str, ...] = ()
    support_teams: tuple[str, ...] = ()
    contracts: tuple[ContractSLA, ...] = ()
    business_services: tuple[str, ...] = ()


@dataclass(frozen=True)
class StateCounts:
    down: int = 0
    degraded: int = 0


@dataclass(frozen=True)
class ImpactResult:
    request: ImpactRequest
    computed_at: datetime
    affected: tuple[AffectedCI, ...]
    by_class: dict[str, StateCounts]
    by_business_service: dict[str, StateCounts]
    by_owner: dict[str, StateCounts]

    def to_json(self) -> dict[str, Any]:
        """The whole result as JSON-ready data (times as ISO 8601 text)."""
        return {
            "request": {
                "uids": list(self.request.uids),
                "mode": self.request.mode.value,
                "as_of": _iso(self.request.as_of),
                "max_depth": self.request.max_depth,
            },
            "computed_at": _iso(self.computed_at),
            "affected": [_affected_json(a) for a in self.affected],
            "by_class": _counts_json(self.by_class),
            "by_business_service": _counts_json(self.by_business_service),
            "by_owner": _counts_json(self.by_owner),
        }


def summarize(affected: tuple[AffectedCI, ...]) -> tuple[dict[str, StateCounts], ...]:
    """Counts of DOWN and DEGRADED by class, by business service and by owner."""
    tables: tuple[dict[str, list[int]], ...] = ({}, {}, {})
    for ci in affected:
        slot = 0 if ci.state == DOWN else 1
        keys = ((ci.class_name,), ci.business_services, ci.owners)
        for table, names in zip(tables, keys, strict=True):
            for name in names:
                table.setdefault(name, [0, 0])[slot] += 1
    return tuple(
        {k: StateCounts(down=v[0], degraded=v[1]) for k, v in sorted(t.items())} for t in tables
    )


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _affected_json(ci: AffectedCI) -> dict[str, Any]:
    return {
        "uid": ci.uid,
        "name": ci.name,
        "class": ci.class_name,
        "state": ci.state,
        "depth": ci.depth,
        "paths": [[_step_json(s) for s in path] for path in ci.paths],
        "owners": list(ci.owners),
        "support_teams": list(ci.support_teams),
        "contracts": [
            {
                "uid": c.uid,
                "name": c.name,
                "contract_number": c.contract_number,
                "response_time_hours": c.response_time_hours,
                "onsite_time_hours": c.onsite_time_hours,
                "fix_time_hours": c.fix_time_hours,
                "end_date": _iso(c.end_date),
            }
            for c in ci.contracts
        ],
        "business_services": list(ci.business_services),
    }


def _step_json(step: PathStep) -> dict[str, Any]:
    return {
        "uid": step.uid,
        "name": step.name,
        "class": step.class_name,
        "relationship": step.relationship,
        "direction": step.direction,
    }


def _counts_json(table: dict[str, StateCounts]) -> dict[str, dict[str, int]]:
    return {k: {"down": v.down, "degraded": v.degraded} for k, v in table.items()}


@dataclass(frozen=True)
class Dependency:
    """A CI another one needs (its failure would reach it), with the path from the one
    that needs it; `redundant`: reached through a redundancy group's membership (one of
    several members)."""

    uid: str
    name: str | None
    class_name: str
    depth: int
    path: tuple[PathStep, ...]
    redundant: bool = False


@dataclass(frozen=True)
class DependencyResult:
    uid: str
    name: str | None
    as_of: datetime | None
    needs: tuple[Dependency, ...]
