"""The centre's durable consumer across a hub restart: what it acked stays acked, what
the sites stored meanwhile arrives, nothing is lost."""

from __future__ import annotations

import asyncio
import time

from remote.harness import Deployment, connect
from remote.streams import IngestConsumer
from remote.topology import HUB_STREAM, site_subject
from tests.integration.remote.streams_reading import GENEROUS, publish, wait_stored

# How long the hub may take to source both sites again after its restart: 2 to 41 s in a
# probe on this kind of machine, and once more than 120 s under a concurrent benchmark.
CATCH_UP = 600.0


async def fetch_ids(consumer: IngestConsumer, count: int) -> list[str]:
    """Fetch and ack until `count` messages came (or the generous deadline passed)."""
    received: list[str] = []
    deadline = time.monotonic() + GENEROUS
    while len(received) < count and time.monotonic() < deadline:
        for message in await consumer.fetch(batch=count - len(received), timeout=2.0):
            received.append((message.headers or {}).get("Nats-Msg-Id", ""))
            await message.ack()
    return received


def test_the_ingest_consumer_resumes_after_a_hub_restart(deployment: Deployment) -> None:
    subject_a = site_subject("a", "step", "r1")
    subject_b = site_subject("b", "step", "r1")
    first = [f"a-{n}" for n in range(10)]
    later_a = [f"a-{n}" for n in range(10, 15)]
    wanted = {(subject_a, msg_id) for msg_id in [*first, *later_a]} | {
        (subject_b, "b-0"), (subject_b, "b-1")}

    async def scenario() -> tuple[list[str], list[str], int]:
        await publish(deployment.site_url("a"), subject_a, first)
        client = await connect(deployment.hub_url, name="centre")
        try:
            consumer = IngestConsumer(client.jetstream(), deployment.hub_settings)
            before = await fetch_ids(consumer, 4)
            await asyncio.to_thread(deployment.stop_hub)
            await publish(deployment.site_url("a"), subject_a, later_a)
            await publish(deployment.site_url("b"), subject_b, ["b-0", "b-1"])
            await asyncio.to_thread(deployment.start_hub)
            await wait_stored(deployment.hub_url, HUB_STREAM, wanted, timeout=CATCH_UP)
            after = await fetch_ids(consumer, 13)
            extra = await consumer.fetch(batch=10, timeout=1.0)
            return before, after, len(extra)
        finally:
            await client.close()

    before, after, extra = asyncio.run(scenario())

    assert before == first[:4]
    assert sorted(after) == sorted([*first[4:], *later_a, "b-0", "b-1"])
    assert extra == 0, "a message came twice"
