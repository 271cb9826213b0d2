"""The target x credential loop of a discovery run, the same for every protocol.

    per target: per protocol (discovery.driver.Driver), in the job's order:
        per credential, the one that worked last time first: attempt
            answer -> remember the credential, done
            failure (discovery.errors.TargetError) -> its class says what next:
                another credential may do (refused, or silence) -> try the next
                no credential will (unreachable, refused port) -> stop trying
        nothing answered -> one failure, the most telling; ask the network if anybody
                            is there (discovery.reach) unless the target answered
    every protocol says nobody is there -> an empty change set per protocol (absence)

A target that did not answer sends no change set, so nothing it holds goes absent:
silence proves nothing. Only when the network says nobody is there (the port refused,
the host unreachable) on every protocol of the job does each protocol send an empty
change set for the target's scope: a missed run for every CI last reported under it.
Once a `StopRequest` is set no further protocol is started on a target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cmdb.observations import ChangeSet
from cmdb.runs import Failure
from discovery.credentials import CredentialMemory
from discovery.driver import Driver
from discovery.errors import TargetError
from discovery.run_report import RunObserver
from discovery.run_stop import StopRequest


@dataclass
class Step:
    """What one protocol on one target gave."""

    target: str
    protocol: str
    answered: bool
    coverage: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)
    changeset: ChangeSet | None = None
    gone: str | None = None  # the network said nobody is there (discovery.reach)


def attempt_target(driver: Driver, address: str, memory: CredentialMemory) -> Step:
    """Try `driver`'s credentials on `address` until one gets an answer or none can."""
    key = driver.memory_key(address)
    errors: list[TargetError] = []
    for ref in memory.ordered(driver.credentials, driver.protocol, key):
        try:
            answer = driver.attempt(address, ref.label)
        except TargetError as error:
            errors.append(error)
            if error.next_credential:
                continue
            break
        memory.remember(driver.protocol, key, ref.label)
        return Step(address, driver.protocol, True, answer.coverage, answer.failures,
                    answer.changeset)  # fmt: skip
    return _silent(driver, address, errors)


def _silent(driver: Driver, address: str, errors: Sequence[TargetError]) -> Step:
    """A target that gave `driver`'s protocol nothing (`errors`: one per credential
    tried, at least one): one failure, the most telling (a refused credential: somebody
    is there and said no; else the last).

    Unless the target answered, one probe asks the network whether anybody is there."""
    protocol = driver.protocol
    refused = [e for e in errors if e.credential_refused]
    chosen = refused[-1] if refused else errors[-1]
    kind, message = chosen.kind, str(chosen)
    gone = None if chosen.someone_there else driver.gone(address)
    if gone is not None:
        kind = gone
        what = "refused: nothing listens" if gone == "refused" else "host unreachable"
        message = f"{address}: {protocol} port {driver.port} {what}"
    candidates = len(driver.credentials)
    if candidates > 1 and len(errors) > 1:
        message += f" ({len(errors)} of {candidates} credentials tried)"
    status = {"status": "gone" if gone else "failed", "kind": kind}
    return Step(address, protocol, False, status, [Failure(address, protocol, kind, message)],
                gone=gone)  # fmt: skip


def absence(step: Step, run_id: str) -> ChangeSet:
    """Nothing seen under the target's scope: a missed run for what it held."""
    return ChangeSet(
        source=step.protocol, actor="discovery", observed_at=datetime.now(UTC),
        discovery_run=run_id, scope=f"{step.protocol}:{step.target}",
        reason=f"{step.target} {step.gone} on every protocol of the job",
        certified_links=[],  # links stay open until their CIs are decided
    )  # fmt: skip


class TargetLoop:
    """Every protocol of a job on one target (`loop(address)`), each step handed to
    `ingest` as it is done; the absence change sets after the last protocol."""

    def __init__(
        self, drivers: Sequence[Driver], memory: CredentialMemory, stop: StopRequest,
        run_id: str, ingest: Callable[[Step], None], observer: RunObserver | None = None,
    ) -> None:  # fmt: skip
        self.drivers = drivers
        self.memory = memory
        self.stop = stop
        self.run_id = run_id
        self.ingest = ingest
        self.observer = observer

    def __call__(self, address: str) -> list[Step]:
        steps: list[Step] = []
        for driver in self.drivers:
            if self.stop.requested:  # a stopped run starts nothing new
                break
            step = attempt_target(driver, address, self.memory)
            if step.changeset is not None:
                self.ingest(step)
            if self.observer is not None:
                self.observer.step(address, driver.protocol, step.answered)
            steps.append(step)
        if len(steps) == len(self.drivers) and all(s.gone for s in steps):
            for step in steps:
                step.changeset = absence(step, self.run_id)
                self.ingest(step)
        if steps and self.observer is not None:
            self.observer.target(address, any(s.answered for s in steps),
                                 sum(len(s.failures) for s in steps))  # fmt: skip
        return steps
