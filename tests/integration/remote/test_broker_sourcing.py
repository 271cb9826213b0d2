"""A site's messages reach the hub's CMDB_INGEST once, and a site's stream is of the kind
the hub can source without loss (limits retention with a max age)."""

from __future__ import annotations

import asyncio

from nats.js.api import RetentionPolicy, StorageType

from remote.harness import Deployment, connect
from remote.topology import HUB_STREAM, site_stream_name, site_subject
from tests.integration.remote.streams_reading import publish, stored, wait_stored


def test_a_site_message_reaches_the_hub_stream_once(deployment: Deployment) -> None:
    subject = site_subject("a", "step", "run1")
    duplicates = asyncio.run(publish(deployment.site_url("a"), subject, ["a-1", "a-1", "a-2"]))
    assert duplicates == [False, True, False]

    wanted = {(subject, "a-1"), (subject, "a-2")}
    at_hub = asyncio.run(wait_stored(deployment.hub_url, HUB_STREAM, wanted))

    assert sorted(at_hub) == sorted(wanted)
    assert asyncio.run(stored(deployment.site_url("a"), site_stream_name("a"))) == [
        (subject, "a-1"), (subject, "a-2")]


def test_the_site_stream_keeps_messages_by_age_not_by_acknowledgement(
    deployment: Deployment,
) -> None:
    async def info() -> object:
        client = await connect(deployment.site_url("a"))
        try:
            return await client.jetstream().stream_info(site_stream_name("a"))
        finally:
            await client.close()

    config = asyncio.run(info()).config  # type: ignore[attr-defined]
    assert config.retention == RetentionPolicy.LIMITS
    assert config.storage == StorageType.FILE
    assert config.max_age == deployment.site_settings["a"].max_age > 0
    assert config.duplicate_window == deployment.site_settings["a"].duplicate_window > 0
    assert config.subjects == [site_subject("a")]
