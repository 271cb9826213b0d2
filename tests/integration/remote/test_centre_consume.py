"""The centre's consume loop against a real hub: a message that is not one, or that names
another site than the subject it came on, is terminated with one line naming it while the
rest are applied in order; an applier that fails stops the loop with its error instead of
leaving it waiting."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from datetime import UTC, datetime
from pathlib import Path

import neo4j
import pytest

from cmdb.config import Config
from cmdb.ingest import Ingestor
from cmdb.observations import ChangeSet
from cmdb.schema import Schema
from remote.centre import Centre
from remote.consume import ConsumeOptions, consume
from remote.harness import Deployment, connect
from remote.ledger import Ledger
from remote.messages import Message, StepMessage, content_hash
from remote.topology import site_subject

pytestmark = [pytest.mark.neo4j]
T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def step(n: int) -> StepMessage:
    target = f"10.0.0.{n}"
    changeset = ChangeSet.model_validate({
        "source": "snmp", "actor": "discovery", "observed_at": T0, "discovery_run": "r1",
        "scope": f"snmp:{target}",
        "cis": [{"key": "d", "class": "Server", "attributes": {"serial_number": f"SN-{n}"}}],
    })  # fmt: skip
    return StepMessage(site="a", job="a-snmp", run_id="r1", target=target, protocol="snmp",
                       kind="snapshot", observed_at=T0, answered=True, coverage={},
                       content=content_hash(changeset), changeset=changeset,
                       scope=changeset.scope)  # fmt: skip


async def publish(url: str, messages: list[tuple[str, bytes]]) -> None:
    client = await connect(url)
    try:
        js = client.jetstream()
        for msg_id, data in messages:
            await js.publish(site_subject("a", "step", "r1"), data, headers={"Nats-Msg-Id": msg_id})
    finally:
        await client.close()


def test_a_bad_message_is_terminated_and_the_rest_applied_in_order(
    deployment: Deployment, graph: neo4j.Driver, schema: Schema, config: Config,
    tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    steps = [step(n) for n in range(1, 8)]
    wire = [(s.msg_id, s.encode()) for s in steps]
    wire.insert(3, ("a.r1.garbage", b"not a collector message"))
    spoofed = dataclasses.replace(step(9), site="b")  # on site a's subject
    wire.insert(5, (spoofed.msg_id, spoofed.encode()))
    asyncio.run(publish(deployment.site_url("a"), wire))
    centre = Centre(Ingestor(graph, schema, config), Ledger(tmp_path / "ledger.sqlite"))
    order: list[str] = []
    apply = centre.apply

    def noting(message: Message, msg_id: str, steps_lost: bool = False) -> str:
        order.append(msg_id)
        return apply(message, msg_id, steps_lost)

    centre.apply = noting  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="cmdb.centre"):
        asyncio.run(consume(deployment.hub_url, centre, ConsumeOptions(batch=3, idle_exit=120),
                            lambda: len(order) >= len(steps)))  # fmt: skip

    assert order == [s.msg_id for s in steps]
    records, _, _ = graph.execute_query(
        "MATCH (s:CI:Server) RETURN s.serial_number AS serial ORDER BY serial")
    assert [r["serial"] for r in records] == [f"SN-{n}" for n in range(1, 8)]
    assert [r.getMessage() for r in caplog.records] == [
        "message a.r1.garbage: not a collector message (Error -3 while decompressing data: "
        "incorrect header check) (terminated, not applied)",
        f"message {spoofed.msg_id}: it names site 'b' but came on cmdb.site.a.step.r1: a site "
        "sends only as itself (terminated, not applied)"]


def test_an_applier_that_fails_stops_the_loop_with_its_error(
    deployment: Deployment, graph: neo4j.Driver, schema: Schema, config: Config, tmp_path: Path,
) -> None:  # fmt: skip
    steps = [step(n) for n in range(1, 20)]
    asyncio.run(publish(deployment.site_url("a"), [(s.msg_id, s.encode()) for s in steps]))
    centre = Centre(Ingestor(graph, schema, config), Ledger(tmp_path / "ledger.sqlite"))

    def broken(message: Message, msg_id: str, steps_lost: bool = False) -> str:
        raise RuntimeError(f"the applier broke on {msg_id}")

    centre.apply = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match=r"the applier broke on a\.r1\.10\.0\.0\.1\.snmp"):
        asyncio.run(consume(deployment.hub_url, centre, ConsumeOptions(batch=10, idle_exit=120)))
