"""Run a discovery job: every target, every protocol in the job's order, as data.

    expand targets -> per target (discovery.run_loop), per protocol (discovery.driver):
        per credential: collect -> parse -> normalize  -> ingest -> report -> record run

One change set per target per protocol, ingested through `cmdb.ingest.Ingestor`
(one at a time: parallel writers deadlock on shared nodes, and collecting is the slow
part). At most `job.concurrency` targets are worked on at once, in worker threads; each
protocol's driver (discovery.snmp.driver, discovery.ssh.driver) is shared by them.

A target's failure (timeout, refused, rejected credential, a command or parser
failing) is a `Failure` in the run, never an exception that stops the job. What
silence proves, and when a target's CIs count a missed run, is the run loop's rule
(discovery.run_loop). The run ends with one `(:DiscoveryRun)` node (cmdb.runs); a dry
run plans instead of writing and returns the diffs. A `StopRequest`
(discovery.run_stop: SIGINT, SIGTERM) ends it early: no new target or protocol is
started, what is in flight is ingested, and the run is recorded as interrupted; a
target it never reached sends nothing, so it proves nothing absent.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import neo4j

from cmdb.errors import CMDBError
from cmdb.ingest import Ingestor, IngestResult
from cmdb.runs import DiscoveryRun, Failure, record_run
from discovery.credentials import CredentialMemory, CredentialResolver
from discovery.driver import Driver
from discovery.jobs import Job, ProtocolModel, SnmpProtocol, expand_targets
from discovery.run_loop import Step, TargetLoop
from discovery.run_report import RunObserver, RunReport, Totals
from discovery.run_stop import StopRequest
from discovery.snmp.driver import SnmpDriver
from discovery.ssh.driver import SshDriver


def make_driver(
    spec: ProtocolModel, job: Job, resolver: CredentialResolver, memory: CredentialMemory,
    run_id: str,
) -> Driver:  # fmt: skip
    """The driver for one protocol of `job`, every credential of it resolved."""
    if isinstance(spec, SnmpProtocol):
        snmp = {ref.label: resolver.snmp(ref) for ref in spec.credentials}
        return SnmpDriver(spec, snmp, timeout=job.timeout, retries=job.retries, run_id=run_id)
    ssh = {ref.label: resolver.ssh(ref) for ref in spec.credentials}
    return SshDriver(spec, ssh, timeout=job.timeout, retries=job.retries, run_id=run_id,
                     memory=memory)  # fmt: skip


class _Run:
    def __init__(
        self, job: Job, ingestor: Ingestor, drivers: list[Driver], run_id: str,
        dry_run: bool, stop: StopRequest,
    ) -> None:  # fmt: skip
        self.job = job
        self.ingestor = ingestor
        self.drivers = drivers
        self.run_id = run_id
        self.dry_run = dry_run
        self.stop = stop
        self.started_at = datetime.now(UTC)
        self.ingest_lock = threading.Lock()
        self.step_of: dict[str, Step] = {}  # scope -> the step that ingested under it
        self.totals = Totals()
        self.diffs: dict[str, list[dict[str, Any]]] = {}

    def run(self, memory: CredentialMemory, observer: RunObserver | None) -> RunReport:
        addresses = expand_targets(self.job)
        per_target = sweep(self.job, addresses, self.drivers, memory, self.stop, self.run_id,
                           self.ingest, observer)  # fmt: skip
        return self._report(addresses, per_target)

    def ingest(self, step: Step) -> None:
        assert step.changeset is not None
        try:
            with self.ingest_lock:
                result = self.ingestor.ingest(step.changeset, dry_run=self.dry_run)
                self.totals.add(result, self.dry_run)
                if self.dry_run and (step.answered or result.diff):
                    self.diffs[f"{step.target} {step.protocol}"] = result.diff
                self._duplicates(step, result)
        except (CMDBError, neo4j.exceptions.ClientError) as exc:
            step.failures.append(Failure(step.target, step.protocol, "ingest_error", str(exc)))

    def _duplicates(self, step: Step, result: IngestResult) -> None:
        """A device another target owns (cmdb.ownership) is a failure of the target that
        lost it: this one (its device left out, the rest ingested), or a target ingested
        earlier in this run whose claim this one, coming first, took over. Called under
        the ingest lock, which every step's ingest holds."""
        if step.changeset is not None and step.changeset.scope:
            self.step_of[step.changeset.scope] = step
        for duplicate in result.duplicates:
            loser = self.step_of.get(duplicate.scope, step)
            loser.failures.append(Failure(loser.target, loser.protocol, "duplicate_identity",
                                          duplicate.message()))  # fmt: skip

    def _report(self, addresses: list[str], per_target: list[list[Step]]) -> RunReport:
        run, answered_by = summarize(self.job, self.run_id, self.started_at, addresses,
                                     per_target, self.stop.requested)  # fmt: skip
        return RunReport(run, self.dry_run, answered_by, self.totals, self.diffs)


def sweep(
    job: Job, addresses: list[str], drivers: list[Driver], memory: CredentialMemory,
    stop: StopRequest, run_id: str, on_step: Callable[[Step], None],
    observer: RunObserver | None = None,
) -> list[list[Step]]:  # fmt: skip
    """Every protocol of `job` on every address, `job.concurrency` targets at once; each
    step with a change set handed to `on_step` as it is done (from worker threads)."""
    if observer is not None:
        observer.started(len(addresses), len(addresses) * len(drivers))
    loop = TargetLoop(drivers, memory, stop, run_id, on_step, observer)
    try:
        for driver in drivers:
            driver.open()
        with ThreadPoolExecutor(job.concurrency, thread_name_prefix="discover") as pool:
            return list(pool.map(loop, addresses))
    finally:
        for driver in drivers:
            driver.close()


def summarize(
    job: Job, run_id: str, started_at: datetime, addresses: list[str],
    per_target: list[list[Step]], stopped: bool,
) -> tuple[DiscoveryRun, dict[str, int]]:  # fmt: skip
    """The run record of a sweep (coverage and failures of every target it reached), and
    how many targets each protocol answered."""
    coverage: dict[str, dict[str, Any]] = {}
    failures: list[Failure] = []
    answered_by: dict[str, int] = {p.protocol: 0 for p in job.protocols}
    answered = reached = 0
    for address, steps in zip(addresses, per_target, strict=True):
        if not steps:  # never reached: the run was stopped first
            continue
        reached += 1
        coverage[address] = {s.protocol: s.coverage for s in steps}
        for s in steps:
            failures.extend(s.failures)
            answered_by[s.protocol] += int(s.answered)
        answered += int(any(s.answered for s in steps))
    run = DiscoveryRun(
        id=run_id, job=job.name, started_at=started_at, finished_at=datetime.now(UTC),
        targets=len(addresses), answered=answered, failed=reached - answered,
        coverage=coverage, failures=failures,
        status="interrupted" if stopped else "completed", reached=reached,
    )  # fmt: skip
    return run, answered_by


def run_job(
    job: Job,
    *,
    ingestor: Ingestor,
    resolver: CredentialResolver,
    memory: CredentialMemory,
    dry_run: bool = False,
    observer: RunObserver | None = None,
    stop: StopRequest | None = None,
) -> RunReport:
    """Run `job` once. Writes one change set per answering target and protocol, then the
    DiscoveryRun node, and remembers which credentials worked (not on a dry run). Once
    `stop` is requested, no new target is started and the run is recorded as interrupted.

    Every credential is resolved before the first packet: a missing variable or an
    unsafe secrets file stops the run here, not halfway through."""
    run_id = uuid.uuid4().hex
    drivers = [make_driver(spec, job, resolver, memory, run_id) for spec in job.protocols]
    run = _Run(job, ingestor, drivers, run_id, dry_run, stop or StopRequest())
    report = run.run(memory, observer)
    if not dry_run:
        record_run(ingestor.driver, report.run)
        memory.save()
    return report
