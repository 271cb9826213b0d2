"""A site cut off from the hub keeps storing; after the link returns, everything it
stored arrives once; the other site is never held up."""

from __future__ import annotations

import asyncio

from remote.harness import Deployment, connect
from remote.streams import site_backlog
from remote.topology import HUB_STREAM, site_stream_name, site_subject
from tests.integration.remote.streams_reading import publish, stored, wait_stored


async def backlog(url: str, site: str) -> int:
    client = await connect(url)
    try:
        return await site_backlog(client, site)
    finally:
        await client.close()


def test_a_cut_site_buffers_and_delivers_once_after_the_link_returns(
    deployment: Deployment,
) -> None:
    subject_a = site_subject("a", "step", "run7")
    subject_b = site_subject("b", "step", "run7")
    before = asyncio.run(publish(deployment.site_url("a"), subject_a, ["a-0"]))
    asyncio.run(wait_stored(deployment.hub_url, HUB_STREAM, {(subject_a, "a-0")}))

    deployment.cut_site("a")
    assert deployment.linked_sites() == {"b"}
    ids_a = [f"a-{n}" for n in range(1, 21)]
    asyncio.run(publish(deployment.site_url("a"), subject_a, ids_a))
    ids_b = [f"b-{n}" for n in range(1, 6)]
    asyncio.run(publish(deployment.site_url("b"), subject_b, ids_b))

    at_site_a = asyncio.run(stored(deployment.site_url("a"), site_stream_name("a")))
    assert at_site_a == [(subject_a, msg_id) for msg_id in ["a-0", *ids_a]]
    wanted_b = {(subject_b, msg_id) for msg_id in ids_b}
    during = asyncio.run(wait_stored(deployment.hub_url, HUB_STREAM, wanted_b))
    assert wanted_b <= set(during), "site b held up by site a's outage"
    assert [pair for pair in during if pair[0] == subject_a] == [(subject_a, "a-0")]
    assert asyncio.run(backlog(deployment.site_url("a"), "a")) == len(ids_a)

    deployment.restore_site("a")
    # the collector retries what it is unsure of: the site stream drops the repeats
    repeats = asyncio.run(publish(deployment.site_url("a"), subject_a, ids_a[-3:]))
    assert repeats == [True, True, True]

    wanted = {(subject_a, msg_id) for msg_id in ["a-0", *ids_a]} | wanted_b
    after = asyncio.run(wait_stored(deployment.hub_url, HUB_STREAM, wanted))
    assert sorted(after) == sorted(wanted), "lost or doubled messages"
    assert asyncio.run(backlog(deployment.site_url("a"), "a")) == 0
    assert before == [False]
