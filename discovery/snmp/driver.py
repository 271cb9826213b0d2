"""SNMP as a discovery driver (discovery.driver): walk one target with one credential,
parse the varbinds, normalize the snapshot into a change set.

    collect (SnmpLoop, or CollectorProcesses when the job asks for processes)
        -> parse_device -> wrong_types (reported, read as unknown) -> normalize_snmp

Every target of a run is walked by one collector, opened with the driver and closed
with it. A failed walk raises discovery.snmp.errors' `TargetError`s; what pysnmp or the
socket raise instead is the target being unreachable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from pysnmp.error import PySnmpError

from cmdb.errors import CMDBError
from cmdb.runs import Failure
from discovery.driver import Answer
from discovery.jobs import CredentialRef, SnmpProtocol
from discovery.reach import Gone, udp_gone
from discovery.snmp.collect import CollectOptions, CollectResult, Target
from discovery.snmp.credentials import Credential
from discovery.snmp.errors import AnswerError, BadValue, NormalizeError, ParseError, TransportError
from discovery.snmp.loop import SnmpLoop
from discovery.snmp.normalize import normalize_snmp
from discovery.snmp.parse import parse_device
from discovery.snmp.pool import CollectorProcesses
from discovery.snmp.value_types import wrong_types


class Collector(Protocol):
    """SnmpLoop or CollectorProcesses: blocking, thread-safe."""

    def collect(self, target: Target, credential: Credential) -> CollectResult: ...

    def close(self) -> None: ...


class SnmpDriver:
    protocol = "snmp"

    def __init__(
        self, spec: SnmpProtocol, credentials: Mapping[str, Credential], *,
        timeout: float, retries: int, run_id: str,
    ) -> None:  # fmt: skip
        self.spec = spec
        self.port = spec.port
        self.secrets = dict(credentials)
        self.timeout = timeout
        self.options = CollectOptions(timeout=timeout, retries=retries,
                                      max_repetitions=spec.max_repetitions)  # fmt: skip
        self.run_id = run_id
        self.collector: Collector | None = None

    @property
    def credentials(self) -> Sequence[CredentialRef]:
        return self.spec.credentials

    def open(self) -> None:
        processes = self.spec.processes
        self.collector = (CollectorProcesses(processes, self.options) if processes > 1
                          else SnmpLoop(self.options))  # fmt: skip

    def close(self) -> None:
        if self.collector is not None:
            self.collector.close()
            self.collector = None

    def memory_key(self, address: str) -> str:
        return str(Target(address, self.port))

    def gone(self, address: str) -> Gone | None:
        return udp_gone(address, self.port, self.timeout)

    def attempt(self, address: str, credential: str) -> Answer:
        assert self.collector is not None, "SnmpDriver.open() first"
        target = Target(address, self.port)
        try:
            result = self.collector.collect(target, self.secrets[credential])
        except (PySnmpError, OSError) as exc:  # ours (TargetError) are not caught
            raise TransportError(str(target), type(exc).__name__) from None
        return self._answer(address, str(target), result)

    def _answer(self, address: str, key: str, result: CollectResult) -> Answer:
        tables = {c.name: c.status for c in result.coverage}
        answer = Answer({"status": "answered", "tables": tables})
        observed_at = datetime.now(UTC)
        try:
            snapshot = parse_device(result.varbinds)
        except (CMDBError, ValueError, KeyError) as exc:
            answer.failures.append(self._failure(address, ParseError(key, str(exc))))
            return answer
        if snapshot.system.uptime_ticks is not None:  # run metadata, never a CI's version
            answer.coverage["uptime_seconds"] = snapshot.system.uptime_ticks // 100
        for message in wrong_types(result.varbinds):  # read as unknown; the rest goes on
            answer.failures.append(self._failure(address, BadValue(key, message)))
        try:
            answer.changeset = normalize_snmp(
                snapshot, target=address, observed_at=observed_at,
                coverage=result.coverage, run_id=self.run_id,
            )  # fmt: skip
        except (CMDBError, ValueError) as exc:
            answer.failures.append(self._failure(address, NormalizeError(key, str(exc))))
        return answer

    def _failure(self, address: str, error: AnswerError) -> Failure:
        return Failure(address, self.protocol, error.kind, str(error))
