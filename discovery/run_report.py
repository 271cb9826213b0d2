"""What a discovery run reports (discovery.run): totals of what it wrote, answers per
protocol, failures per protocol and kind, the diffs of a dry run, whether it was
interrupted; and the observer a progress display implements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from cmdb.ingest import IngestResult
from cmdb.runs import DiscoveryRun


class RunObserver(Protocol):
    """Progress of a run (the CLI draws a bar or logs lines). Called from worker threads.

    A step is one protocol on one target; `target` is called when a target's steps are
    done (`failures`: the failures recorded for it), not for a target a stopped run never
    reached."""

    def started(self, targets: int, steps: int) -> None: ...

    def step(self, target: str, protocol: str, answered: bool) -> None: ...

    def target(self, address: str, answered: bool, failures: int) -> None: ...


@dataclass
class Totals:
    changesets: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_opened: int = 0
    links_closed: int = 0
    went_absent: int = 0
    # of devices left out as duplicates (cmdb.ownership): their parts and links that were
    # not ingested, or were withdrawn in this run from the target that lost the device
    duplicate_parts: int = 0
    duplicate_links: int = 0

    def add(self, result: IngestResult, dry_run: bool) -> None:
        changed = bool(result.created or result.updated or result.links_opened
                       or result.links_closed or result.went_absent)  # fmt: skip
        if result.changeset_id is not None and (changed or not dry_run):
            self.changesets += 1
        self.created += result.created
        self.updated += result.updated
        self.unchanged += result.unchanged
        self.links_opened += result.links_opened
        self.links_closed += result.links_closed
        self.went_absent += result.went_absent
        self.duplicate_parts += sum(d.parts for d in result.duplicates)
        self.duplicate_links += sum(d.links for d in result.duplicates)


@dataclass
class RunReport:
    run: DiscoveryRun
    dry_run: bool
    answered: dict[str, int]  # protocol -> targets that answered it
    totals: Totals
    diffs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # "target protocol"

    @property
    def interrupted(self) -> bool:
        return self.run.status == "interrupted"

    def failures_by_kind(self) -> Counter[tuple[str, str]]:
        """(protocol, kind) -> how many: `ssh refused` on an SNMP-only switch is not the
        `snmp timeout` of a device that is gone."""
        return Counter((f.protocol, f.kind) for f in self.run.failures)
