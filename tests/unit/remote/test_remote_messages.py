"""Collector messages and the collector's file: what crosses the wire, what a bad input
says."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cmdb.errors import CMDBError
from cmdb.observations import ChangeSet
from remote.collector import SentLedger
from remote.ledger import Ledger
from remote.messages import MessageError, StepMessage, content_hash, decode
from remote.settings import load_collector_settings

T0 = datetime(2026, 11, 1, tzinfo=UTC)


def changeset(at: datetime, run: str, serial: str = "SN1") -> ChangeSet:
    return ChangeSet.model_validate({
        "source": "snmp", "actor": "discovery", "observed_at": at, "discovery_run": run,
        "scope": "snmp:10.0.0.1", "reason": f"run {run}",
        "cis": [{"key": "d", "class": "Server", "attributes": {"serial_number": serial}}],
    })  # fmt: skip


def test_the_content_hash_leaves_out_when_and_which_run() -> None:
    a = changeset(T0, "r1")
    assert content_hash(a) == content_hash(changeset(T0 + timedelta(days=3), "r2"))
    assert content_hash(a) != content_hash(changeset(T0, "r1", serial="SN2"))


def test_a_step_survives_the_wire_compressed() -> None:
    cs = changeset(T0, "r1")
    message = StepMessage(site="branch-a", job="j", run_id="r1", target="10.0.0.1",
                          protocol="snmp", kind="snapshot", observed_at=T0, answered=True,
                          coverage={"status": "ok"}, content=content_hash(cs), changeset=cs,
                          scope=cs.scope)  # fmt: skip
    data = message.encode()
    assert decode(data, message.msg_id) == message
    big = ChangeSet.model_validate({**cs.model_dump(by_alias=True), "cis": [
        {"key": f"i{n}", "class": "Interface", "parent": {"ref": "d"},
         "attributes": {"name": f"GigabitEthernet0/{n}", "mac": f"02:00:00:00:00:{n:02x}"}}
        for n in range(200)]})  # fmt: skip
    assert len(StepMessage(**{**message.__dict__, "changeset": big}).encode()) \
        < len(big.model_dump_json()) / 4  # zlib: a large change set is mostly repetition
    assert message.msg_id == "branch-a.r1.10.0.0.1.snmp"


@pytest.mark.parametrize("data, says", [
    (b"not zlib", "not a collector message"),
    (zlib.compress(b"[1, 2]"), "not a collector message"),
    (zlib.compress(b'{"type": "nope"}'), "unknown message type 'nope'"),
    (zlib.compress(b'{"type": "step", "site": "a"}'), "(no field 'kind')"),
    (zlib.compress(b'{"type": "step", "site": "a", "job": "j", "run_id": "r", "target": "t",'
                   b' "protocol": "snmp", "kind": "snapshot", "observed_at": "2026-11-01T00:00'
                   b':00+00:00", "answered": true, "coverage": {}, "failures": []}'),
     "a 'snapshot' step without a change set"),
    (zlib.compress(b'{"type": "step", "site": "a", "job": "j", "run_id": "r", "target": "t",'
                   b' "protocol": "snmp", "kind": "snapshot", "observed_at": "2026-11-01T00:00'
                   b':00+00:00", "answered": true, "coverage": {}, "failures": []}\n'
                   b'{"source": "snmp", "actor": "discovery", "cis": [{"key": "d"}]}'),
     "its change set does not validate (2 error(s); first at observed_at: Field required)"),
])  # fmt: skip
def test_a_message_that_is_not_one_names_its_id(data: bytes, says: str) -> None:
    with pytest.raises(MessageError) as raised:
        decode(data, "branch-a.r9.10.0.0.7.snmp")
    assert str(raised.value).startswith("message branch-a.r9.10.0.0.7.snmp: ")
    assert says in str(raised.value)


def test_the_sent_ledger_resends_after_its_time(tmp_path: Path) -> None:
    sent = SentLedger(tmp_path / "sent.json")
    day = timedelta(days=1)
    assert not sent.unchanged("j|s", "h1", T0, day)
    sent.record("j|s", "h1", T0)
    sent.save()
    again = SentLedger(tmp_path / "sent.json")
    assert again.unchanged("j|s", "h1", T0 + timedelta(hours=23), day)
    assert not again.unchanged("j|s", "h2", T0 + timedelta(hours=1), day)  # changed
    assert not again.unchanged("j|s", "h1", T0 + timedelta(hours=25), day)  # whole once a day
    (tmp_path / "sent.json").write_text("{broken")
    with pytest.raises(CMDBError, match=r"sent\.json: the collector.s record"):
        SentLedger(tmp_path / "sent.json")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "collector.yaml"
    path.write_text(text)
    return path


def test_the_collector_file(tmp_path: Path) -> None:
    path = write(tmp_path, "site: branch-a\nnats: nats://127.0.0.1:4333\nsecrets: s.yaml\n")
    settings = load_collector_settings(path, "branch-a")
    assert settings.secrets_file == tmp_path / "s.yaml"
    assert settings.state_dir == tmp_path / "collector-state"
    assert settings.resend_after == timedelta(hours=24)


@pytest.mark.parametrize("text, site, says", [
    ("site: Branch A\nnats: nats://h:1\n", None, "collector.yaml:1: site: String should match"),
    ("site: a\nnats: http://h:1\n", None, "collector.yaml:2: nats: String should match"),
    ("site: a\nnats: nats://h:1\npassword: x\n", None, "collector.yaml:3: password: Extra"),
    ("site: a\nnats: nats://h:1\nresend_after_hours: 0\n", None,
     "collector.yaml:3: resend_after_hours: Input should be greater than 0"),
    ("- a\n", None, "collector.yaml:1: a collector file is a mapping"),
    ("site: a\nnats: nats://h:1\n", "b", "the file is site 'a''s, not 'b''s"),
    ("site: [a\n", None, "collector.yaml:"),
])  # fmt: skip
def test_a_bad_collector_file_names_the_culprit(tmp_path: Path, text: str, site: str | None,
                                                says: str) -> None:  # fmt: skip
    with pytest.raises(CMDBError) as raised:
        load_collector_settings(write(tmp_path, text), site)
    assert says in str(raised.value)


def test_the_centre_keeps_a_step_as_it_came_and_a_kept_one_that_no_longer_reads_is_none(
    tmp_path: Path,
) -> None:  # fmt: skip
    cs = changeset(T0, "r1")
    sent = StepMessage(site="branch-a", job="j", run_id="r1", target="10.0.0.1",
                       protocol="snmp", kind="snapshot", observed_at=T0, answered=True,
                       coverage={}, content=content_hash(cs), changeset=cs, scope=cs.scope)
    received = decode(sent.encode(), sent.msg_id)
    assert isinstance(received, StepMessage) and received.wire == sent.encode()
    ledger = Ledger(tmp_path / "ledger.sqlite")
    with ledger.transaction():
        ledger.keep_snapshot(received, "snmp:10.0.0.1")
    (body,) = ledger.db.execute("SELECT body FROM snapshots").fetchone()
    assert body == received.wire  # kept as it came, not written again
    kept = ledger.snapshot("branch-a", "snmp:10.0.0.1")
    assert kept is not None and (kept.content, kept.observed_at, kept.changeset) == (
        content_hash(cs), T0, cs)
    ledger.db.execute("UPDATE snapshots SET body = ?", (zlib.compress(b'{"old": "form"}'),))
    assert ledger.snapshot("branch-a", "snmp:10.0.0.1") is None  # healed by the next full send
    with pytest.raises(ValueError, match="carries no change set to keep"):
        ledger.keep_snapshot(StepMessage(**{**sent.__dict__, "changeset": None}), "s")
