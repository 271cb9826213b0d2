"""The centre's rules, message by message, on the real Neo4j (no broker: the messages are
built as a collector builds them and handed to `Centre.apply` in a chosen order).

- a snapshot is ingested and kept; the same message again is skipped (ledger);
- an `unchanged` message re-applies the kept snapshot as a sighting (no change recorded);
  a hash the centre does not keep is a `snapshot_unknown` failure of the run;
- a replay into an empty ledger (older or equal facts) records no change;
- late facts (observed before what is stored) never overwrite newer ones;
- only an end marker makes a gone target's CIs count a missed run; the run is recorded
  with ingest's failures, once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.runs import DiscoveryRun, read_run
from cmdb.schema import Schema
from remote.centre import Centre
from remote.ledger import Ledger
from remote.messages import EndMessage, StepMessage, content_hash, decode
from tests.conftest import dump_graph

pytestmark = [pytest.mark.neo4j]
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
SITE = "branch-a"


def server(serial: str, model: str, at: datetime, run_id: str, target: str) -> ChangeSet:
    return ChangeSet.model_validate({
        "source": "snmp", "actor": "discovery", "observed_at": at, "discovery_run": run_id,
        "scope": f"snmp:{target}",
        "cis": [{"key": "d", "class": "Server", "attributes": {"serial_number": serial,
                                                               "model": model}}],
    })  # fmt: skip


def step(changeset: ChangeSet, target: str, run_id: str, whole: bool = True) -> StepMessage:
    message = StepMessage(
        site=SITE, job="branch-a-snmp", run_id=run_id, target=target, protocol="snmp",
        kind="snapshot" if whole else "unchanged", observed_at=changeset.observed_at,
        answered=True, coverage={"status": "ok"}, content=content_hash(changeset),
        changeset=changeset if whole else None, scope=changeset.scope,
    )  # fmt: skip
    decoded = decode(message.encode(), message.msg_id)  # what crosses the wire
    assert decoded == message and isinstance(decoded, StepMessage)
    return decoded  # as the centre gets it, with the bytes it came in


def end(run_id: str, at: datetime, steps: int, gone: dict[str, str] | None = None) -> EndMessage:
    run = DiscoveryRun(id=run_id, job="branch-a-snmp", started_at=at, finished_at=at,
                       targets=2, answered=2 - len(gone or {}), failed=len(gone or {}),
                       coverage={}, failures=[])  # fmt: skip
    message = EndMessage(SITE, run, steps, gone or {}, ["snmp"])
    decoded = decode(message.encode(), message.msg_id)
    assert isinstance(decoded, EndMessage) and decoded.run == run and decoded.gone == (gone or {})
    return message


def model_of(graph: neo4j.Driver, serial: str) -> Any:
    records, _, _ = graph.execute_query(
        "MATCH (s:CI:Server {serial_number: $serial}) RETURN s.model AS m, s._missed AS missed, "
        "s.status AS status", serial=serial)  # fmt: skip
    return (records[0]["m"], records[0]["missed"], records[0]["status"]) if records else None


def changesets(graph: neo4j.Driver) -> int:
    records, _, _ = graph.execute_query("MATCH (c:ChangeSet) RETURN count(c) AS n")
    return int(records[0]["n"])


@pytest.fixture
def centre(graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path) -> Centre:
    return Centre(Ingestor(graph, schema, config), Ledger(tmp_path / "ledger.sqlite"))


def apply(centre: Centre, message: StepMessage | EndMessage) -> str:
    return centre.apply(message, message.msg_id)


def test_snapshot_then_duplicate_then_unchanged(centre: Centre, graph: neo4j.Driver) -> None:
    first = step(server("SN-1", "R1", T0, "run1", "10.0.0.1"), "10.0.0.1", "run1")
    assert apply(centre, first) == "applied"
    assert model_of(graph, "SN-1")[0] == "R1"
    written = changesets(graph)
    assert apply(centre, first) == "skipped"  # a redelivery
    assert changesets(graph) == written

    again = server("SN-1", "R1", T0 + timedelta(hours=2), "run2", "10.0.0.1")
    assert apply(centre, step(again, "10.0.0.1", "run2", whole=False)) == "sighted"
    assert changesets(graph) == written  # a sighting records no change
    records, _, _ = graph.execute_query(
        "MATCH (s:CI:Server {serial_number: 'SN-1'}) RETURN s.last_seen AS seen")
    assert records[0]["seen"].to_native() == T0 + timedelta(hours=2)

    unknown = server("SN-9", "R9", T0 + timedelta(hours=2), "run2", "10.0.0.9")
    assert apply(centre, step(unknown, "10.0.0.9", "run2", whole=False)) == "snapshot_unknown"
    assert model_of(graph, "SN-9") is None
    assert apply(centre, end("run2", T0 + timedelta(hours=2), 2)) == "run_recorded"
    run = read_run(graph, "run2")
    assert run is not None
    assert [(f.target, f.kind) for f in run.failures] == [("10.0.0.9", "snapshot_unknown")]
    assert apply(centre, end("run2", T0 + timedelta(hours=2), 2)) == "end_skipped"


def test_late_and_replayed_facts_change_nothing(
    centre: Centre, graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path,
) -> None:  # fmt: skip
    old = step(server("SN-2", "R1", T0, "run1", "10.0.0.2"), "10.0.0.2", "run1")
    new = step(server("SN-2", "R2", T0 + timedelta(hours=1), "run2", "10.0.0.2"), "10.0.0.2",
               "run2")  # fmt: skip
    assert apply(centre, new) == "applied"
    assert apply(centre, old) == "applied"  # arrives late (a site that was cut off)
    assert model_of(graph, "SN-2")[0] == "R2"  # older facts never overwrite newer ones
    assert apply(centre, end("run2", T0 + timedelta(hours=1), 1)) == "run_recorded"

    before = dump_graph(graph)
    replay = Centre(Ingestor(graph, schema, config), Ledger(tmp_path / "empty" / "l.sqlite"))
    for message in (old, new, end("run2", T0 + timedelta(hours=1), 1)):
        replay.apply(message, message.msg_id)
    assert dump_graph(graph) == before
    assert replay.totals.outcomes["end_skipped"] == 1


def test_only_an_end_marker_makes_a_gone_target_miss(centre: Centre, graph: neo4j.Driver) -> None:
    assert apply(centre, step(server("SN-3", "R1", T0, "run1", "10.0.0.3"), "10.0.0.3",
                              "run1")) == "applied"  # fmt: skip
    assert model_of(graph, "SN-3") == ("R1", 0, "active")
    # run2: the target refused on every protocol; nothing happens until the end marker
    assert apply(centre, end("run2", T0 + timedelta(hours=1), 0, {"10.0.0.3": "refused"})) \
        == "run_recorded"
    assert model_of(graph, "SN-3")[1] == 1  # one missed run, still active
    assert model_of(graph, "SN-3")[2] == "active"


def test_an_end_marker_waits_for_its_steps(centre: Centre, graph: neo4j.Driver) -> None:
    """After a crash, steps fetched but not acknowledged come again after the end marker:
    the run is recorded only once they are applied (or, at last, as short of them)."""
    one = step(server("SN-4", "R1", T0, "run1", "10.0.0.4"), "10.0.0.4", "run1")
    two = step(server("SN-5", "R1", T0, "run1", "10.0.0.5"), "10.0.0.5", "run1")
    marker = end("run1", T0, 2)
    assert apply(centre, one) == "applied"
    assert apply(centre, marker) == "end_waiting"
    assert read_run(graph, "run1") is None
    assert apply(centre, two) == "applied"
    assert apply(centre, marker) == "run_recorded"
    assert read_run(graph, "run1") is not None

    lonely = end("run3", T0, 1)
    assert apply(centre, lonely) == "end_waiting"
    assert centre.apply(lonely, lonely.msg_id, steps_lost=True) == "run_recorded_short"
