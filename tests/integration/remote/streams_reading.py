"""Reading what the streams hold, for the broker tests: (subject, message id) pairs."""

from __future__ import annotations

import asyncio
import time

from nats.aio.client import Client as NATS

from remote.harness import connect

GENEROUS = 120.0


async def stored(url: str, stream: str) -> list[tuple[str, str]]:
    """Every message of `stream` on the server at `url`, in order."""
    client = await connect(url)
    try:
        return await stored_with(client, stream)
    finally:
        await client.close()


async def stored_with(client: NATS, stream: str) -> list[tuple[str, str]]:
    js = client.jetstream()
    state = (await js.stream_info(stream)).state
    pairs = []
    for sequence in range(state.first_seq, state.last_seq + 1) if state.messages else ():
        message = await js.get_msg(stream, sequence)
        pairs.append((message.subject, (message.headers or {}).get("Nats-Msg-Id", "")))
    return pairs


async def wait_stored(url: str, stream: str, wanted: set[tuple[str, str]],
                      timeout: float = GENEROUS) -> list[tuple[str, str]]:
    """Poll until `stream` holds every pair of `wanted` (a deadline, not an assertion:
    the caller asserts on what is returned)."""
    deadline = time.monotonic() + timeout
    while True:
        pairs = await stored(url, stream)
        if wanted <= set(pairs) or time.monotonic() > deadline:
            return pairs
        await asyncio.sleep(0.2)


async def publish(url: str, subject: str, msg_ids: list[str]) -> list[bool]:
    """Publish one message per id at `url`; returns each ack's `duplicate` flag."""
    client = await connect(url)
    try:
        js = client.jetstream()
        duplicates = []
        for msg_id in msg_ids:
            ack = await js.publish(subject, msg_id.encode(), headers={"Nats-Msg-Id": msg_id})
            duplicates.append(bool(ack.duplicate))
        return duplicates
    finally:
        await client.close()
