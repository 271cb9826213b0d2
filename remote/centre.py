"""The centre: apply what the sites' collectors sent, through the one ingest.

    step, snapshot     ingest its change set (cmdb.ingest.Ingestor, as `cmdb load` and
                       `cmdb discover` do); keep it as the scope's snapshot
    step, unchanged    ingest the scope's kept snapshot again, observed now and in this
                       run (a sighting: last seen moves, missed runs clear; nothing else
                       changes); no kept snapshot with that hash -> a failure of the run
                       (`snapshot_unknown`); once the run is recorded the centre asks
                       the site to send the job whole on its next run
    end                ingest an absence for each target gone on every protocol, then
                       record the run (cmdb.runs) with ingest's failures added

A message already applied (the ledger has its id) is skipped, and so is a full snapshot
older than, or as old as, the scope's kept one with the same content: replaying the
whole stream records no change. Late facts follow ingest's `observed_at` rules (older
facts never overwrite newer ones). A site offline sends nothing: its devices grow stale
(their last sighting ages) and none goes absent, because only an end marker, which
comes after the run's steps, certifies absence.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import neo4j

from cmdb.errors import CMDBError
from cmdb.ingest import Ingestor, IngestResult
from cmdb.observations import ChangeSet
from cmdb.runs import Failure, read_run, record_run
from discovery.run_loop import Step, absence
from remote.ledger import Ledger
from remote.messages import EndMessage, Message, StepMessage


@dataclass
class CentreTotals:
    """What the centre did, by outcome (`applied`, `sighted`, `skipped`, `runs`, ...)."""

    outcomes: Counter[str] = field(default_factory=Counter)
    changesets: int = 0
    created: int = 0
    updated: int = 0
    went_absent: int = 0

    def add(self, result: IngestResult) -> None:
        self.changesets += int(result.changeset_id is not None)
        self.created += result.created
        self.updated += result.updated
        self.went_absent += result.went_absent


class Centre:
    """Applies one message at a time (the stream's order: a run's end after its steps)."""

    def __init__(self, ingestor: Ingestor, ledger: Ledger) -> None:
        self.ingestor = ingestor
        self.ledger = ledger
        self.totals = CentreTotals()
        # (site, job) of recorded runs that sent hashes of snapshots the ledger does not
        # keep: the caller asks those sites to send the job whole (remote.jobs_channel)
        self.resend_wanted: list[tuple[str, str]] = []

    def apply(self, message: Message, msg_id: str, steps_lost: bool = False) -> str:
        """Apply one message; returns what was done. Raises only what means "try again
        later" (the database unavailable); an ingest refusal is a failure of the run.

        An end marker whose run's steps have not all been applied yet (some are still
        being delivered again after a crash) is not applied: `end_waiting`; the caller
        offers it again later, and with `steps_lost` once it has waited long enough."""
        if self.ledger.applied(msg_id):
            outcome = "end_skipped" if isinstance(message, EndMessage) else "skipped"
        elif isinstance(message, EndMessage):
            outcome = self._end(message, msg_id, steps_lost)
        else:
            outcome = self._step(message, msg_id)
        self.totals.outcomes[outcome] += 1
        return outcome

    def _step(self, message: StepMessage, msg_id: str) -> str:
        scope = message.scope or f"{message.protocol}:{message.target}"
        kept = self.ledger.snapshot(message.site, scope)
        failures: list[Failure] = []
        if message.changeset is not None:
            if (kept is not None and kept.content == message.content
                    and message.observed_at <= kept.observed_at):  # fmt: skip
                outcome, changeset = "skipped", None  # a replay of what is applied
            else:
                outcome, changeset = "applied", message.changeset
        elif kept is not None and kept.content == message.content:
            outcome = "sighted"
            changeset = kept.changeset.model_copy(update={
                "observed_at": message.observed_at, "discovery_run": message.run_id,
                "reason": None})  # fmt: skip
        else:
            outcome, changeset = "snapshot_unknown", None
            failures.append(Failure(message.target, message.protocol, "snapshot_unknown", (
                f"{message.target}: the collector at {message.site} sent only a hash of what "
                "it saw, and the centre keeps no snapshot with that hash; the centre asks it "
                "to send the job whole on its next run")))  # fmt: skip
        totals: dict[str, int] = {}
        if changeset is not None and outcome != "skipped":
            result = self._ingest(changeset, message.target, message.protocol, failures)
            if result is not None:
                totals = {"changesets": int(result.changeset_id is not None),
                          "created": result.created, "updated": result.updated}  # fmt: skip
        with self.ledger.transaction():
            if outcome == "applied" and message.changeset is not None and message.content:
                self.ledger.keep_snapshot(message, scope)
            elif outcome == "sighted":
                self.ledger.seen_again(message.site, scope, message.observed_at)
            self.ledger.note_step(message.site, message.run_id, failures, totals)
            self.ledger.mark_applied(msg_id, datetime.now(UTC))
        return outcome

    def _ingest(self, changeset: ChangeSet, target: str, protocol: str,
                failures: list[Failure]) -> IngestResult | None:  # fmt: skip
        try:
            result = self.ingestor.ingest(changeset)
        except (CMDBError, neo4j.exceptions.ClientError) as exc:
            failures.append(Failure(target, protocol, "ingest_error", str(exc)))
            return None
        self.totals.add(result)
        failures.extend(Failure(target, protocol, "duplicate_identity", d.message())
                        for d in result.duplicates)  # fmt: skip
        return result

    def _end(self, message: EndMessage, msg_id: str, steps_lost: bool) -> str:
        run = message.run
        if read_run(self.ingestor.driver, run.id) is not None:  # recorded, then the ledger lost
            with self.ledger.transaction():
                self.ledger.mark_applied(msg_id, datetime.now(UTC))
            return "end_skipped"
        notes = self.ledger.run_notes(message.site, run.id)
        if notes["steps"] < message.steps and not steps_lost:
            return "end_waiting"
        failures: list[Failure] = []
        for target, gone in sorted(message.gone.items()):
            for protocol in message.protocols:
                step = Step(target, protocol, False, {}, gone=gone)
                changeset = absence(step, run.id)
                changeset = changeset.model_copy(update={"observed_at": run.finished_at})
                self._ingest(changeset, target, protocol, failures)
        noted = [Failure(f["target"], f["protocol"], f["kind"], f["message"], f.get("command"))
                 for f in notes["failures"]]  # fmt: skip
        record_run(self.ingestor.driver, replace(
            run, site=message.site, failures=[*run.failures, *noted, *failures]))
        if any(failure.kind == "snapshot_unknown" for failure in noted):
            self.resend_wanted.append((message.site, run.job))
        with self.ledger.transaction():
            self.ledger.mark_applied(msg_id, datetime.now(UTC))
        return "run_recorded" if notes["steps"] >= message.steps else "run_recorded_short"
