"""The centre's consumer hands out at most max_ack_pending unacknowledged messages: the
hub holds the rest until the ingest acknowledges (back-pressure), and an unacknowledged
message is never skipped."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from remote.harness import Deployment, connect
from remote.streams import IngestConsumer
from remote.topology import HUB_STREAM, site_subject
from tests.integration.remote.streams_reading import GENEROUS, publish, wait_stored


def test_no_more_than_max_ack_pending_messages_are_out_unacknowledged(tmp_path: Path) -> None:
    subject = site_subject("a", "step", "r1")
    ids = [f"a-{n}" for n in range(10)]

    async def scenario(deployment: Deployment) -> tuple[list[str], list[str], list[str]]:
        await publish(deployment.site_url("a"), subject, ids)
        await wait_stored(deployment.hub_url, HUB_STREAM, {(subject, i) for i in ids})
        client = await connect(deployment.hub_url, name="centre")
        try:
            consumer = IngestConsumer(client.jetstream(), deployment.hub_settings)
            held = await consumer.fetch(batch=10, timeout=2.0)
            refused = await consumer.fetch(batch=10, timeout=1.0)
            for message in held:
                await message.ack()
            rest: list[str] = []
            deadline = time.monotonic() + GENEROUS
            while len(rest) < 7 and time.monotonic() < deadline:
                for message in await consumer.fetch(batch=3, timeout=2.0):
                    rest.append((message.headers or {})["Nats-Msg-Id"])
                    await message.ack()
            return ([(m.headers or {})["Nats-Msg-Id"] for m in held],
                    [(m.headers or {})["Nats-Msg-Id"] for m in refused], rest)
        finally:
            await client.close()

    with Deployment(tmp_path / "nats", ["a"], max_ack_pending=3) as deployment:
        held, refused, rest = asyncio.run(scenario(deployment))

    assert held == ids[:3]
    assert refused == []
    assert rest == ids[3:]
