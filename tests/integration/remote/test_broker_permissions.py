"""A site's leaf link carries its own subjects only: site a cannot write into site b's
stream, cannot read b's jobs and cannot reach the hub's JetStream API."""

from __future__ import annotations

import asyncio
import time

import nats.errors
from nats.aio.msg import Msg

from remote.harness import Deployment, connect
from remote.topology import HUB_STREAM, jobs_subject, site_stream_name, site_subject
from tests.integration.remote.streams_reading import GENEROUS, publish, stored, wait_stored


def test_site_a_cannot_publish_into_site_b_subjects(deployment: Deployment) -> None:
    forged = site_subject("b", "step", "forged")

    async def forge() -> None:
        client = await connect(deployment.site_url("a"))
        try:
            for n in range(5):
                await client.publish(forged, b"forged", headers={"Nats-Msg-Id": f"forged-{n}"})
            await client.flush()
        finally:
            await client.close()

    asyncio.run(forge())
    # b's own message, published after the forgeries, shows b's path works end to end
    honest = site_subject("b", "step", "honest")
    asyncio.run(publish(deployment.site_url("b"), honest, ["b-1"]))
    at_hub = asyncio.run(wait_stored(deployment.hub_url, HUB_STREAM, {(honest, "b-1")}))

    assert at_hub == [(honest, "b-1")]
    assert asyncio.run(stored(deployment.site_url("b"), site_stream_name("b"))) == [
        (honest, "b-1")]


def test_site_a_cannot_use_the_hub_jetstream_api(deployment: Deployment) -> None:
    async def attempt() -> str:
        client = await connect(deployment.site_url("a"))
        try:
            await client.request(f"$JS.hub.API.STREAM.DELETE.{HUB_STREAM}", b"", timeout=2)
        except (nats.errors.NoRespondersError, nats.errors.TimeoutError) as refused:
            return type(refused).__name__
        finally:
            await client.close()
        return "answered"

    assert asyncio.run(attempt()) in {"NoRespondersError", "TimeoutError"}

    async def hub_stream_names() -> list[str]:
        client = await connect(deployment.hub_url)
        try:
            return [info.config.name or "" for info in await client.jetstream().streams_info()]
        finally:
            await client.close()

    assert asyncio.run(hub_stream_names()) == [HUB_STREAM]


def test_site_a_receives_its_jobs_and_not_site_b_jobs(deployment: Deployment) -> None:
    async def scenario() -> dict[str, list[str]]:
        received: dict[str, list[str]] = {"a": [], "b": [], "a-on-b": [], "a-on-all": []}

        def keep(key: str):  # type: ignore[no-untyped-def]
            async def handler(message: Msg) -> None:
                received[key].append(message.subject)
            return handler

        site_a = await connect(deployment.site_url("a"))
        site_b = await connect(deployment.site_url("b"))
        centre = await connect(deployment.hub_url, name="centre")
        try:
            await site_a.subscribe(jobs_subject("a"), cb=keep("a"))
            await site_a.subscribe(jobs_subject("b"), cb=keep("a-on-b"))
            await site_a.subscribe("cmdb.jobs.>", cb=keep("a-on-all"))
            await site_b.subscribe(jobs_subject("b"), cb=keep("b"))
            await site_a.flush()
            await site_b.flush()
            deadline = time.monotonic() + GENEROUS
            n = 0
            # interest crosses the leaf links asynchronously: publish until both sites got
            # at least three jobs each
            while min(len(received["a"]), len(received["b"])) < 3 and time.monotonic() < deadline:
                n += 1
                await centre.publish(jobs_subject("b", f"job{n}"), b"{}")
                await centre.publish(jobs_subject("a", f"job{n}"), b"{}")
                await centre.flush()
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.5)  # let anything in flight land before we look
            return received
        finally:
            for client in (site_a, site_b, centre):
                await client.close()

    received = asyncio.run(scenario())

    assert len(received["a"]) >= 3
    assert len(received["b"]) >= 3
    assert all(subject.startswith("cmdb.jobs.a.") for subject in received["a"])
    assert received["a-on-b"] == []
    assert received["a-on-all"]
    assert all(subject.startswith("cmdb.jobs.a.") for subject in received["a-on-all"])
