"""The centre's loop: fetch from the hub's stream, apply, acknowledge.

One durable pull consumer (`cmdb-ingest`) on CMDB_INGEST, at most `max_ack_pending`
messages unacknowledged (back-pressure: the hub stops handing out more), fetched in
batches and applied one at a time in the stream's order, the next message decoded while
the last one is written. A message is acknowledged only
after it is applied, so a centre killed mid-stream resumes where it stopped: what was
applied but not acknowledged comes again (after `ack_wait`) and the ledger skips it. An
end marker that arrives before some of its run's steps (those delivered again) is handed
back (nak, `end_wait`) until they are applied; after `end_waits` tries the run is
recorded without them (`run_recorded_short`). A message that cannot
be read is terminated (never redelivered) with one log line naming it. When the database
is away, the message is not acknowledged and the loop waits and tries it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import neo4j
from nats.aio.msg import Msg
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.errors import Error as JetStreamError

from cmdb.errors import CMDBError, DBMSLostError
from remote.centre import Centre
from remote.client import connect
from remote.jobs_channel import ask_resend
from remote.messages import Message, MessageError, decode
from remote.streams import Limits, ensure_hub_stream, ingest_consumer_config
from remote.topology import (
    HUB_STREAM,
    INGEST_DURABLE,
    SITE_SUBJECT_ROOT,
    TopologyError,
    subject_site,
)

log = logging.getLogger("cmdb.centre")
RETRY_LATER = (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired,
               neo4j.exceptions.TransientError, DBMSLostError)  # fmt: skip
AHEAD = 4  # decoded messages waiting for the applier (each up to a large change set)


@dataclass(frozen=True)
class ConsumeOptions:
    batch: int = 64
    max_ack_pending: int = 1000
    ack_wait: float = 60.0  # seconds a fetched message may wait before redelivery
    end_wait: float = 5.0  # seconds before an end marker waiting for its steps comes again
    end_waits: int = 60  # times it may wait; then the run is recorded with steps lost
    idle_exit: float | None = None  # stop after this many seconds with nothing to fetch
    retry_wait: float = 5.0


async def consume(hub_url: str, centre: Centre, options: ConsumeOptions,
                  stopped: Callable[[], bool] = lambda: False) -> None:  # fmt: skip
    """Apply what the hub's stream holds until `stopped()` or `idle_exit`.

    Two stages, in the stream's order: this loop fetches and decodes, and `_apply_all`
    applies (in a worker thread) and acknowledges. A few decoded messages wait between them
    (`AHEAD`), so the next message is read while the database writes the last one."""
    nc = await connect(hub_url, "the hub's", name="cmdb-centre", forever=True)
    ready: asyncio.Queue[tuple[Msg, str, Message] | None] = asyncio.Queue(maxsize=AHEAD)
    applier = asyncio.create_task(_apply_all(ready, centre, options, hub_url))
    try:
        js = nc.jetstream()
        config = ingest_consumer_config(options.max_ack_pending, options.ack_wait)
        try:
            sub = await js.pull_subscribe(f"{SITE_SUBJECT_ROOT}.>", durable=INGEST_DURABLE,
                                          stream=HUB_STREAM, config=config)  # fmt: skip
        except JetStreamError as exc:
            raise CMDBError(f"the hub at {hub_url} has no usable stream {HUB_STREAM} ({exc}): "
                            "run `cmdb hub ingest` with the hub's sites configured") from None
        idle = 0.0
        while not stopped() and not applier.done():
            try:
                batch = await sub.fetch(options.batch, timeout=1.0)
            except (NatsTimeout, TimeoutError):
                batch = []
            except (NatsError, JetStreamError) as exc:  # the hub restarting: wait, fetch again
                log.warning("fetch from the hub failed (%s); trying again", exc)
                await asyncio.sleep(1.0)
                continue
            if not batch:  # a time-out, or an empty answer (an expired pull's status)
                idle += 1.0
                if options.idle_exit is not None and idle >= options.idle_exit:
                    return
                continue
            idle = 0.0
            for msg in batch:
                decoded = await _decode(msg)
                if decoded is not None:
                    await _unless_failed(ready.put(decoded), applier)
            # the batch applied: `stopped()` is asked of a settled state
            await _unless_failed(ready.join(), applier)
    finally:
        try:
            await _finish(applier, ready)
        finally:
            await nc.close()


async def _decode(msg: Msg) -> tuple[Msg, str, Message] | None:
    msg_id = ((msg.headers or {}).get("Nats-Msg-Id")
              or f"{msg.subject}#{msg.metadata.sequence.stream}")  # fmt: skip
    try:
        message = decode(msg.data, msg_id)
        sender = subject_site(msg.subject)
        if message.site != sender:
            raise MessageError(f"message {msg_id}: it names site {message.site!r} but came "
                               f"on {msg.subject}: a site sends only as itself")
        return msg, msg_id, message
    except MessageError as exc:
        log.error("%s (terminated, not applied)", exc)
        await msg.term()
        return None


async def _unless_failed(step: Coroutine[Any, Any, None], applier: asyncio.Task[None]) -> None:
    """Await `step` (a hand-over to the applier) unless the applier stopped first: then
    raise what stopped it."""
    waiting = asyncio.ensure_future(step)
    await asyncio.wait({waiting, applier}, return_when=asyncio.FIRST_COMPLETED)
    if not waiting.done():
        waiting.cancel()
        await applier
        raise RuntimeError("the centre's applier stopped")


async def _finish(applier: asyncio.Task[None],
                  ready: asyncio.Queue[tuple[Msg, str, Message] | None]) -> None:  # fmt: skip
    """Stop the applier after what it holds (an applier that failed raises here)."""
    if not applier.done():
        await _unless_failed(ready.put(None), applier)
    await applier


async def _apply_all(ready: asyncio.Queue[tuple[Msg, str, Message] | None], centre: Centre,
                     options: ConsumeOptions, hub_url: str) -> None:  # fmt: skip
    while (item := await ready.get()) is not None:
        try:
            await _apply(*item, centre, options)
            await _ask_resends(hub_url, centre)
        finally:
            ready.task_done()
    ready.task_done()


async def _ask_resends(hub_url: str, centre: Centre) -> None:
    """Ask each site whose recorded run sent unknown hashes to send that job whole."""
    while centre.resend_wanted:
        site, job = centre.resend_wanted.pop(0)
        try:
            await ask_resend(hub_url, site, job)
        except CMDBError as exc:
            log.warning("could not ask site %s to send job %s whole (%s); its next run's "
                        "unknown hashes ask again", site, job, exc)
            continue
        log.info("asked site %s to send job %s whole on its next run", site, job)


async def _apply(msg: Msg, msg_id: str, message: Message, centre: Centre,
                 options: ConsumeOptions) -> None:  # fmt: skip
    lost = msg.metadata.num_delivered > options.end_waits
    while True:
        await msg.in_progress()  # ack_wait counts from now: a large change set takes a while
        try:
            outcome = await asyncio.to_thread(centre.apply, message, msg_id, lost)
        except RETRY_LATER as exc:
            log.warning("the database is away (%s); %s waits", type(exc).__name__, msg_id)
            await asyncio.sleep(options.retry_wait)
            continue
        break
    log.info("%s: %s", msg_id, outcome)
    if outcome == "end_waiting":  # its run's steps are still coming (delivered again)
        await msg.nak(delay=options.end_wait)
        return
    await msg.ack()  # not waited for: an ack that is lost brings a redelivery the ledger skips


async def source_sites(hub_url: str, sites: list[str]) -> None:
    """Make the hub's stream source every site in `sites` (kept: those it sources already)."""
    nc = await connect(hub_url, "the hub's")
    try:
        await ensure_hub_stream(nc, sites, Limits())
    except TopologyError as exc:
        raise CMDBError(str(exc)) from None
    finally:
        await nc.close()
