"""Run a discovery job: every target, every protocol in the job's order, as data.

    expand targets -> per target, per protocol: collect -> parse -> normalize -> ingest

One change set per target per protocol, ingested through `cmdb.ingest.Ingestor`
(one at a time: parallel writers deadlock on shared nodes, and collecting is the slow
part). At most `job.concurrency` targets are worked on at once: SNMP requests go
through one `SnmpCollector` (one SnmpEngine) on an asyncio loop of its own; SSH
sessions run in the worker threads (netmiko is synchronous).

A target's failure (timeout, refused, rejected credential, a command or parser
failing) is a `Failure` in the run, never an exception that stops the job. A target
that did not answer sends no change set, so nothing it holds goes absent: silence
proves nothing. Except when the network says nobody is there (discovery.reach: the
port refused, or the host is unreachable) on every protocol of the job: then each
protocol sends an empty change set for the target's scope, which counts a missed run
for every CI last reported under it (links stay as they are), and after the configured
misses (lifecycle.absent_after_missed_runs) those CIs go absent. The run ends with one
`(:DiscoveryRun)` node (cmdb.runs); a dry run plans instead of writing and returns the
diffs. A `StopRequest` (discovery.run_stop: SIGINT, SIGTERM) ends it early: no new target
or protocol is started, what is in flight is ingested, and the run is recorded as
interrupted; a target it never reached sends nothing, so it proves nothing absent.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

import neo4j
from pysnmp.error import PySnmpError

from cmdb.errors import CMDBError
from cmdb.ingest import Ingestor
from cmdb.ingest_result import IngestResult
from cmdb.observations import ChangeSet
from cmdb.runs import DiscoveryRun, Failure, record_run
from discovery.credentials import CredentialMemory, CredentialResolver, SnmpCredential
from discovery.jobs import Job, SnmpProtocol, SshProtocol, expand_targets
from discovery.reach import tcp_gone, udp_gone
from discovery.run_report import RunObserver, RunReport, Totals
from discovery.run_stop import StopRequest
from discovery.snmp import errors as snmp_errors
from discovery.snmp.collect import CollectOptions, TableCoverage, Target
from discovery.snmp.collect import CollectResult as SnmpResult
from discovery.snmp.loop import SnmpLoop
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from discovery.snmp.pool import CollectorProcesses
from discovery.snmp.records import DeviceSnapshot
from discovery.snmp.value_types import wrong_types
from discovery.ssh import errors as ssh_errors
from discovery.ssh.collect import CollectResult as SshResult
from discovery.ssh.collect import Connector, collect_target, netmiko_connect, parse_collected
from discovery.ssh.detect import detect_platform
from discovery.ssh.normalize import normalize_ssh
from discovery.ssh.platforms.base import ParsedTarget
from discovery.ssh.probe import probe_platform
from discovery.ssh.targets import SSHCredentials, SSHTarget, SSHTimeouts


class NormalizeSnmp(Protocol):
    def __call__(
        self, snapshot: DeviceSnapshot, *, target: str, observed_at: datetime,
        coverage: Sequence[TableCoverage], run_id: str,
    ) -> ChangeSet: ...  # fmt: skip


class NormalizeSsh(Protocol):
    def __call__(
        self, parsed: ParsedTarget, *, target: str, observed_at: datetime, run_id: str,
        failed_commands: Iterable[str],
    ) -> ChangeSet: ...  # fmt: skip


@dataclass(frozen=True)
class Normalizers:
    snmp: NormalizeSnmp
    ssh: NormalizeSsh


def default_normalizers() -> Normalizers:
    """discovery.snmp.normalize.normalize_snmp and discovery.ssh.normalize.normalize_ssh."""
    return Normalizers(snmp=normalize_snmp, ssh=normalize_ssh)


class DetectPlatform(Protocol):
    """Which platform a target is (None: not one we parse). Raises discovery.ssh.errors."""

    def __call__(
        self, target: SSHTarget, credentials: SSHCredentials, timeouts: SSHTimeouts
    ) -> str | None: ...


@dataclass
class _Step:
    """What one protocol on one target gave."""

    target: str
    protocol: str
    answered: bool
    coverage: dict[str, Any]
    failures: list[Failure] = field(default_factory=list)
    changeset: ChangeSet | None = None
    gone: str | None = None  # the network said nobody is there (discovery.reach)


class _Runner:
    def __init__(
        self, job: Job, ingestor: Ingestor, resolver: CredentialResolver,
        memory: CredentialMemory, normalizers: Normalizers, dry_run: bool,
        observer: RunObserver | None, ssh_connect: Connector,
        ssh_probe: DetectPlatform = probe_platform, ssh_detect: DetectPlatform = detect_platform,
        stop: StopRequest | None = None,
    ) -> None:  # fmt: skip
        self.job = job
        self.stop = stop or StopRequest()
        self.ingestor = ingestor
        self.memory = memory
        self.normalizers = normalizers
        self.dry_run = dry_run
        self.observer = observer
        self.ssh_connect = ssh_connect
        self.ssh_probe = ssh_probe
        self.ssh_detect = ssh_detect
        self.run_id = uuid.uuid4().hex
        self.started_at = datetime.now(UTC)
        self.snmp = next((p for p in job.protocols if isinstance(p, SnmpProtocol)), None)
        self.ssh = next((p for p in job.protocols if isinstance(p, SshProtocol)), None)
        # Resolve every credential before the first packet: a missing variable or an
        # unsafe secrets file stops the run here, not halfway through.
        self.snmp_creds: dict[str, SnmpCredential] = (
            {r.label: resolver.snmp(r) for r in self.snmp.credentials} if self.snmp else {}
        )
        self.ssh_creds: dict[str, SSHCredentials] = (
            {r.label: resolver.ssh(r) for r in self.ssh.credentials} if self.ssh else {}
        )
        wait = job.timeout
        self.ssh_timeouts = SSHTimeouts(conn=wait, banner=wait, auth=wait, read=max(10.0, wait * 4))
        self.ingest_lock = threading.Lock()
        self.step_of: dict[str, _Step] = {}  # scope -> the step that ingested under it
        self.totals = Totals()
        self.diffs: dict[str, list[dict[str, Any]]] = {}
        self.snmp_loop: SnmpLoop | CollectorProcesses | None = None

    # -- the run ------------------------------------------------------------------------
    def run(self) -> RunReport:
        addresses = expand_targets(self.job)
        if self.observer is not None:
            self.observer.started(len(addresses), len(addresses) * len(self.job.protocols))
        if self.snmp is not None:
            options = CollectOptions(timeout=self.job.timeout, retries=self.job.retries,
                                     max_repetitions=self.snmp.max_repetitions)
            self.snmp_loop = (CollectorProcesses(self.snmp.processes, options)
                              if self.snmp.processes > 1 else SnmpLoop(options))  # fmt: skip
        try:
            with ThreadPoolExecutor(self.job.concurrency, thread_name_prefix="discover") as pool:
                per_target = list(pool.map(self._target, addresses))
        finally:
            if self.snmp_loop is not None:
                self.snmp_loop.close()
        return self._report(addresses, per_target)

    def _target(self, address: str) -> list[_Step]:
        steps: list[_Step] = []
        for spec in self.job.protocols:
            if self.stop.requested:  # a stopped run starts nothing new
                break
            if isinstance(spec, SnmpProtocol):
                step = self._snmp_target(address, spec)
            else:
                step = self._ssh_target(address, spec)
            if step.changeset is not None:
                self._ingest(step)
            if self.observer is not None:
                self.observer.step(address, spec.protocol, step.answered)
            steps.append(step)
        if len(steps) == len(self.job.protocols) and all(s.gone for s in steps):
            for step in steps:
                step.changeset = self._absence(step)
                self._ingest(step)
        if steps and self.observer is not None:
            self.observer.target(address, any(s.answered for s in steps),
                                 sum(len(s.failures) for s in steps))  # fmt: skip
        return steps

    def _absence(self, step: _Step) -> ChangeSet:
        """Nothing seen under the target's scope: a missed run for what it held."""
        return ChangeSet(
            source=step.protocol, actor="discovery", observed_at=datetime.now(UTC),
            discovery_run=self.run_id, scope=f"{step.protocol}:{step.target}",
            reason=f"{step.target} {step.gone} on every protocol of the job",
            certified_links=[],  # links stay open until their CIs are decided
        )  # fmt: skip

    def _ingest(self, step: _Step) -> None:
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

    def _duplicates(self, step: _Step, result: IngestResult) -> None:
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

    # -- SNMP -------------------------------------------------------------------------
    def _snmp_target(self, address: str, spec: SnmpProtocol) -> _Step:
        target = Target(address, spec.port)
        key = str(target)
        assert self.snmp_loop is not None
        errors: list[tuple[str, str]] = []
        result: SnmpResult | None = None
        for ref in self.memory.ordered(spec.credentials, "snmp", key):
            try:
                result = self.snmp_loop.collect(target, self.snmp_creds[ref.label])
            except snmp_errors.SnmpTimeout as exc:
                errors.append(("timeout", str(exc)))
                continue
            except snmp_errors.AuthFailed as exc:
                errors.append(("auth_failed", str(exc)))
                continue
            except snmp_errors.AgentError as exc:
                errors.append(("agent_error", str(exc)))
                continue
            except (snmp_errors.TransportError, PySnmpError, OSError) as exc:
                message = str(exc) if isinstance(exc, CMDBError) else f"{key}: {type(exc).__name__}"
                errors.append(("unreachable", message))
                break
            self.memory.remember("snmp", key, ref.label)
            break
        if result is None:
            return self._silent(address, "snmp", errors, len(spec.credentials), spec.port)
        tables = {c.name: c.status for c in result.coverage}
        step = _Step(address, "snmp", True, {"status": "answered", "tables": tables})
        observed_at = datetime.now(UTC)
        try:
            snapshot = parse_device(result.varbinds)
        except (CMDBError, ValueError, KeyError) as exc:
            step.failures.append(Failure(address, "snmp", "parse_error", f"{key}: {exc}"))
            return step
        for message in wrong_types(result.varbinds):  # read as unknown; the rest goes on
            step.failures.append(Failure(address, "snmp", "bad_value", f"{key}: {message}"))
        try:
            step.changeset = self.normalizers.snmp(
                snapshot, target=address, observed_at=observed_at,
                coverage=result.coverage, run_id=self.run_id,
            )  # fmt: skip
        except (CMDBError, ValueError) as exc:
            step.failures.append(Failure(address, "snmp", "normalize_error", f"{key}: {exc}"))
        return step

    # -- SSH ---------------------------------------------------------------------------
    def _ssh_target(self, address: str, spec: SshProtocol) -> _Step:
        probe = SSHTarget(address, spec.platform or "autodetect", spec.port)
        key = str(probe)
        platform = spec.platform or self.memory.platform(key)
        errors: list[tuple[str, str]] = []
        result: SshResult | None = None
        for ref in self.memory.ordered(spec.credentials, "ssh", key):
            creds = self.ssh_creds[ref.label]
            if platform is None:
                try:
                    platform = self._detect(probe, creds)
                except ssh_errors.AuthFailed as exc:
                    errors.append(("auth_failed", str(exc)))
                    continue
                except ssh_errors.TargetError as exc:
                    errors.append((_ssh_kind(exc), str(exc)))
                    break
                if platform is None:
                    errors.append(("unknown_platform", f"{key}: no platform we can parse"))
                    break
                self.memory.remember_platform(key, platform)
            attempt = self._ssh_collect(SSHTarget(address, platform, spec.port), creds)
            if attempt.failure is None:
                result = attempt
                self.memory.remember("ssh", key, ref.label)
                break
            errors.append((_FAILURE_KINDS[attempt.failure.kind], attempt.failure.message))
            if attempt.failure.kind != "auth_failed":
                break
        if result is None:
            return self._silent(address, "ssh", errors, len(spec.credentials), spec.port)
        return self._ssh_answered(address, key, result)

    def _detect(self, probe: SSHTarget, creds: SSHCredentials) -> str | None:
        """One short session reading the prompt and `show version`/`uname -a` first;
        netmiko's SSHDetect (slow: it tries vendor after vendor) only when that is unsure."""
        platform = self.ssh_probe(probe, creds, self.ssh_timeouts)
        return platform if platform is not None else self.ssh_detect(probe, creds,
                                                                     self.ssh_timeouts)

    def _ssh_collect(self, target: SSHTarget, creds: SSHCredentials) -> SshResult:
        for _attempt in range(self.job.retries + 1):
            result = collect_target(target, creds, timeouts=self.ssh_timeouts,
                                    connect=self.ssh_connect)  # fmt: skip
            if result.failure is None or result.failure.kind != "connect_timeout":
                break
        return result

    def _ssh_answered(self, address: str, key: str, result: SshResult) -> _Step:
        commands = {c.key: ("ok" if c.output is not None else "failed") for c in result.commands}
        seen = {"status": "answered", "platform": result.platform, "tables": commands}
        step = _Step(address, "ssh", True, seen)
        for c in result.commands:
            if c.error is not None:
                step.failures.append(Failure(address, "ssh", "command_failed", c.error, c.key))
        parsed = parse_collected(result)
        for command, err in parsed.failures.items():
            step.failures.append(Failure(address, "ssh", "parse_error", f"{key}: {err}", command))
            commands[command] = "parse_error"
        # Failed commands certify nothing: the normalizer keeps what they would have
        # reported from going absent or closing.
        failed = sorted({c.key for c in result.commands if c.output is None} | set(parsed.failures))
        try:
            step.changeset = self.normalizers.ssh(
                parsed, target=address, observed_at=datetime.now(UTC), run_id=self.run_id,
                failed_commands=failed,
            )  # fmt: skip
        except (CMDBError, ValueError) as exc:
            step.failures.append(Failure(address, "ssh", "normalize_error", f"{key}: {exc}"))
        return step

    # -- results ------------------------------------------------------------------------
    def _silent(
        self, address: str, protocol: str, errors: list[tuple[str, str]], candidates: int,
        port: int,
    ) -> _Step:  # fmt: skip
        """A target that gave nothing for `protocol`: one failure, the most telling.

        Unless a credential was refused (someone is there), one probe asks the network
        whether anybody is there at all (discovery.reach)."""
        kinds = [k for k, _ in errors]
        kind = "auth_failed" if "auth_failed" in kinds else (kinds[-1] if kinds else "no_answer")
        message = next((m for k, m in reversed(errors) if k == kind), f"{address}: no answer")
        gone = None
        if kind not in ("auth_failed", "unknown_platform"):
            probe = udp_gone if protocol == "snmp" else tcp_gone
            gone = probe(address, port, self.job.timeout)
        if gone is not None:
            kind = gone
            what = "refused: nothing listens" if gone == "refused" else "host unreachable"
            message = f"{address}: {protocol} port {port} {what}"
        if candidates > 1 and len(errors) > 1:
            message += f" ({len(errors)} of {candidates} credentials tried)"
        failure = Failure(address, protocol, kind, message)
        status = {"status": "gone" if gone else "failed", "kind": kind}
        return _Step(address, protocol, False, status, [failure], gone=gone)

    def _report(self, addresses: list[str], per_target: list[list[_Step]]) -> RunReport:
        coverage: dict[str, dict[str, Any]] = {}
        failures: list[Failure] = []
        answered_by: dict[str, int] = {p.protocol: 0 for p in self.job.protocols}
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
            id=self.run_id, job=self.job.name, started_at=self.started_at,
            finished_at=datetime.now(UTC), targets=len(addresses), answered=answered,
            failed=reached - answered, coverage=coverage, failures=failures,
            status="interrupted" if self.stop.requested else "completed", reached=reached,
        )  # fmt: skip
        return RunReport(run, self.dry_run, answered_by, self.totals, self.diffs)


_FAILURE_KINDS = {"connect_timeout": "timeout", "connect_failed": "connect_failed",
                  "auth_failed": "auth_failed"}  # fmt: skip


def _ssh_kind(exc: ssh_errors.TargetError) -> str:
    if isinstance(exc, ssh_errors.ConnectTimeout):
        return "timeout"
    return "auth_failed" if isinstance(exc, ssh_errors.AuthFailed) else "connect_failed"


def run_job(
    job: Job,
    *,
    ingestor: Ingestor,
    resolver: CredentialResolver,
    memory: CredentialMemory,
    dry_run: bool = False,
    observer: RunObserver | None = None,
    normalizers: Normalizers | None = None,
    ssh_connect: Connector = netmiko_connect,
    stop: StopRequest | None = None,
) -> RunReport:
    """Run `job` once. Writes one change set per answering target and protocol, then the
    DiscoveryRun node, and remembers which credentials worked (not on a dry run). Once
    `stop` is requested, no new target is started and the run is recorded as interrupted."""
    runner = _Runner(job, ingestor, resolver, memory, normalizers or default_normalizers(),
                     dry_run, observer, ssh_connect, stop=stop)  # fmt: skip
    report = runner.run()
    if not dry_run:
        record_run(ingestor.driver, report.run)
        memory.save()
    return report
