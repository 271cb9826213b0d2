"""The run loop's rules (discovery.run_loop), driven by small in-test drivers: plain
objects that answer or fail as each test scripts them, so the rules are seen without a
network (the lab runs test the drivers: tests/integration/discovery/)."""

from __future__ import annotations

import signal
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cmdb.observations import ChangeSet
from discovery import errors
from discovery.credentials import CredentialMemory
from discovery.driver import Answer
from discovery.jobs import CredentialRef
from discovery.reach import Gone
from discovery.run_loop import Step, TargetLoop, attempt_target
from discovery.run_stop import StopRequest
from discovery.snmp import errors as snmp_errors
from discovery.ssh import errors as ssh_errors

ADDRESS = "192.0.2.7"
Outcome = Answer | errors.TargetError


def _answer(protocol: str) -> Answer:
    changeset = ChangeSet(source=protocol, actor="discovery", observed_at=datetime.now(UTC),
                          scope=f"{protocol}:{ADDRESS}")  # fmt: skip
    return Answer({"status": "answered", "tables": {}}, changeset)


class ScriptedDriver:
    """Answers or fails per credential name as scripted; counts what it was asked."""

    def __init__(
        self, protocol: str, outcomes: Mapping[str, Outcome], gone: Gone | None = None,
        stop: StopRequest | None = None,
    ) -> None:  # fmt: skip
        self.protocol = protocol
        self.port = 161 if protocol == "snmp" else 22
        self.outcomes = outcomes
        self.answer_gone = gone
        self.stop_when_asked = stop
        self.tried: list[str] = []
        self.probed = 0

    @property
    def credentials(self) -> Sequence[CredentialRef]:
        return [CredentialRef(name=label, secret=label) for label in self.outcomes]

    def memory_key(self, address: str) -> str:
        return f"{address}:{self.port}"

    def attempt(self, address: str, credential: str) -> Answer:
        self.tried.append(credential)
        if self.stop_when_asked is not None:
            self.stop_when_asked.request(signal.SIGINT)
        outcome = self.outcomes[credential]
        if isinstance(outcome, errors.TargetError):
            raise outcome
        return outcome

    def gone(self, address: str) -> Gone | None:
        self.probed += 1
        return self.answer_gone

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass


def _memory(tmp_path: Path) -> CredentialMemory:
    return CredentialMemory(tmp_path / "memory.json")


def test_a_wrong_credential_then_the_right_one_answers_and_is_tried_first_next_time(
    tmp_path: Path,
) -> None:
    memory = _memory(tmp_path)
    refused = snmp_errors.AuthFailed(f"{ADDRESS}:161", "unknownUserName")
    driver = ScriptedDriver("snmp", {"wrong": refused, "right": _answer("snmp")})
    step = attempt_target(driver, ADDRESS, memory)
    assert (step.answered, step.failures, driver.tried) == (True, [], ["wrong", "right"])
    assert step.changeset is not None and step.coverage["status"] == "answered"
    assert memory.credential("snmp", f"{ADDRESS}:161") == "right"
    driver.tried.clear()
    attempt_target(driver, ADDRESS, memory)
    assert driver.tried == ["right"]


def test_an_unreachable_target_stops_the_credentials_and_asks_the_network(tmp_path: Path) -> None:
    unreachable = snmp_errors.TransportError(f"{ADDRESS}:161", "OSError")
    driver = ScriptedDriver("snmp", {"a": unreachable, "b": _answer("snmp")})
    step = attempt_target(driver, ADDRESS, _memory(tmp_path))
    assert driver.tried == ["a"] and driver.probed == 1
    assert not step.answered and step.changeset is None and step.gone is None
    assert [(f.kind, f.message) for f in step.failures] == [
        ("unreachable", f"{ADDRESS}:161: OSError")
    ]
    assert step.coverage == {"status": "failed", "kind": "unreachable"}


def test_a_refused_credential_is_the_most_telling_failure_and_proves_somebody_is_there(
    tmp_path: Path,
) -> None:
    driver = ScriptedDriver("snmp", {
        "v3": snmp_errors.AuthFailed(f"{ADDRESS}:161", "wrongDigest"),
        "v2c": snmp_errors.SnmpTimeout(f"{ADDRESS}:161", "no answer"),
    }, gone="refused")  # fmt: skip
    step = attempt_target(driver, ADDRESS, _memory(tmp_path))
    assert driver.tried == ["v3", "v2c"] and driver.probed == 0
    assert [(f.kind, f.message) for f in step.failures] == [
        ("auth_failed", f"{ADDRESS}:161: wrongDigest (2 of 2 credentials tried)")
    ]


def test_silence_the_network_calls_refused_is_gone(tmp_path: Path) -> None:
    driver = ScriptedDriver("ssh", {"ops": ssh_errors.ConnectTimeout(f"{ADDRESS}:22", "late")},
                            gone="refused")  # fmt: skip
    step = attempt_target(driver, ADDRESS, _memory(tmp_path))
    assert step.gone == "refused" and step.coverage == {"status": "gone", "kind": "refused"}
    assert [(f.kind, f.message) for f in step.failures] == [
        ("refused", f"{ADDRESS}: ssh port 22 refused: nothing listens")
    ]


# Every failure of an attempt, as the run report has always counted it: (kind, whether
# the next credential is tried, whether the target answered so the network is not asked).
ATTEMPT_FAILURES: dict[type[errors.TargetError], tuple[str, bool, bool]] = {
    snmp_errors.SnmpTimeout: ("timeout", True, False),
    snmp_errors.AuthFailed: ("auth_failed", True, True),
    snmp_errors.AgentError: ("agent_error", True, False),
    snmp_errors.TransportError: ("unreachable", False, False),
    ssh_errors.ConnectTimeout: ("timeout", False, False),
    ssh_errors.ConnectFailed: ("connect_failed", False, False),
    ssh_errors.AuthFailed: ("auth_failed", True, True),
    ssh_errors.NoPlatform: ("unknown_platform", False, True),
}


def _concrete(cls: type[errors.TargetError]) -> set[type[errors.TargetError]]:
    found = set()
    for sub in cls.__subclasses__():
        found |= _concrete(sub)
        if "kind" in vars(sub):
            found.add(sub)
    return found


def test_every_attempt_failure_class_is_in_the_table() -> None:
    # those an attempt never raises: a failure of an answer, counted by the drivers
    answers = {ssh_errors.CommandFailed, ssh_errors.NormalizeError}
    assert _concrete(errors.TargetError) - answers == set(ATTEMPT_FAILURES)


@pytest.mark.parametrize(
    "cls", list(ATTEMPT_FAILURES), ids=lambda c: f"{c.__module__}.{c.__name__}"
)
def test_each_failure_class_gives_its_kind_and_says_what_the_loop_does_next(
    cls: type[errors.TargetError], tmp_path: Path
) -> None:
    kind, next_credential, someone_there = ATTEMPT_FAILURES[cls]
    protocol = cls.__module__.split(".")[1]
    failure = cls(f"{ADDRESS}:1", "scripted")
    driver = ScriptedDriver(protocol, {"first": failure, "second": _answer(protocol)})
    step = attempt_target(driver, ADDRESS, _memory(tmp_path))
    assert driver.tried == (["first", "second"] if next_credential else ["first"])
    assert step.answered == next_credential
    if not next_credential:
        assert [(f.protocol, f.kind, f.message) for f in step.failures] == [
            (protocol, kind, f"{ADDRESS}:1: scripted")
        ]
        assert driver.probed == (0 if someone_there else 1)


def _loop(
    drivers: Sequence[ScriptedDriver], stop: StopRequest, tmp_path: Path
) -> tuple[TargetLoop, list[Step]]:
    ingested: list[Step] = []
    loop = TargetLoop(drivers, _memory(tmp_path), stop, "run-1", ingested.append)
    return loop, ingested


def test_a_stop_request_starts_no_further_protocol(tmp_path: Path) -> None:
    stop = StopRequest()
    snmp = ScriptedDriver("snmp", {"ro": _answer("snmp")}, stop=stop)
    ssh = ScriptedDriver("ssh", {"ops": _answer("ssh")})
    loop, ingested = _loop([snmp, ssh], stop, tmp_path)
    steps = loop(ADDRESS)
    assert [s.protocol for s in steps] == ["snmp"] and ssh.tried == []
    assert ingested == steps  # what was in flight is ingested
    assert loop("192.0.2.8") == [] and snmp.tried == ["ro"]  # no new target either


def test_nobody_there_on_every_protocol_sends_an_empty_change_set_per_protocol(
    tmp_path: Path,
) -> None:
    snmp = ScriptedDriver("snmp", {"ro": snmp_errors.SnmpTimeout(f"{ADDRESS}:161", "x")},
                          gone="host_unreachable")  # fmt: skip
    ssh = ScriptedDriver("ssh", {"ops": ssh_errors.ConnectFailed(f"{ADDRESS}:22", "refused")},
                         gone="refused")  # fmt: skip
    loop, ingested = _loop([snmp, ssh], StopRequest(), tmp_path)
    steps = loop(ADDRESS)
    assert ingested == steps
    sent = [s.changeset for s in ingested]
    assert [(c.source, c.scope, c.discovery_run, c.cis, c.certified_links) for c in sent if c] == [
        ("snmp", f"snmp:{ADDRESS}", "run-1", [], []),
        ("ssh", f"ssh:{ADDRESS}", "run-1", [], []),
    ]


def test_one_protocol_only_silent_proves_nothing_absent(tmp_path: Path) -> None:
    snmp = ScriptedDriver("snmp", {"ro": snmp_errors.SnmpTimeout(f"{ADDRESS}:161", "x")})
    ssh = ScriptedDriver("ssh", {"ops": ssh_errors.ConnectFailed(f"{ADDRESS}:22", "refused")},
                         gone="refused")  # fmt: skip
    loop, ingested = _loop([snmp, ssh], StopRequest(), tmp_path)
    steps = loop(ADDRESS)
    assert ingested == [] and [s.gone for s in steps] == [None, "refused"]
